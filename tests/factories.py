"""Factories shared by every app's tests."""

from __future__ import annotations

from typing import Any

import factory

from dengta.accounts.models import User
from dengta.orgs.models import Membership, Organization
from dengta.reference.models import Industry, Region


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-1")


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"机构{n}")
    type = "enterprise"


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "staff"
    platform_roles: Any = factory.LazyFunction(list)


def region(code: str, name: str, parent: Region | None = None, **flags: Any) -> Region:
    level = 1 if parent is None else parent.level + 1
    path = (parent.path if parent else "") + code + "/"
    full = f"{parent.full_name}{name}" if parent else name
    obj, _ = Region.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "level": level,
            "parent": parent,
            "path": path,
            "full_name": full,
            "dataset_version": "test",
            **flags,
        },
    )
    return obj


def industry(code: str, name: str, parent: Industry | None = None, focus: str = "") -> Industry:
    level = {1: 1, 3: 2, 4: 3, 5: 4}[len(code)]
    obj, _ = Industry.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "level": level,
            "parent": parent,
            "focus_sector": focus,
            "dataset_version": "test",
        },
    )
    return obj
