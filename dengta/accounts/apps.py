from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dengta.accounts"
    label = "accounts"
