"""Labels of the event verbs this app writes (collected by dengta.core.verbs for the event log)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "assessment.created": _("评测已创建"),
    "assessment.onsite_arranged": _("现场评定已安排"),
    "assessment.coi_declared": _("已声明无利益冲突"),
    "assessment.evidence_added": _("佐证材料已上传"),
    "assessment.evidence_removed": _("佐证材料已删除"),
    "assessment.submitted": _("评测已提交"),
    "assessment.scored": _("评测已评分"),
    "assessment.signed_off": _("现场评定已签署"),
    "assessment.imported": _("历史评测结果已导入"),
    "assessment.report_issued": _("评测报告已出具"),
    "assessment.report_superseded": _("评测报告已被新报告取代"),
    "framework.level_rule_revised": _("等级判定规则已更正"),
    "framework.level_rule_confirmed": _("等级判定规则已核实"),
    "framework.rescore_compared": _("已按规则版本重新评分比较"),
    "invitation.created": _("诊断邀请已发出"),
    "invitation.requested": _("服务商已申请诊断"),
    "invitation.accepted": _("诊断邀请已接受"),
    "invitation.declined": _("诊断邀请已拒绝"),
    "invitation.withdrawn": _("诊断邀请已撤回"),
}
