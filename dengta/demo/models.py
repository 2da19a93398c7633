from django.db import models


class DemoRun(models.Model):
    """Marks that the demo data set of one scale and seed was built, so re-running seed_demo is quick."""

    scale = models.CharField(max_length=20)
    seed = models.PositiveIntegerField()
    enterprises = models.PositiveIntegerField(default=0)
    providers = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scale", "seed"], name="demo_demorun_unique_scale_seed")
        ]

    def __str__(self) -> str:
        return f"demo {self.scale} seed={self.seed}"
