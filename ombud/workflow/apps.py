from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "ombud.workflow"
    label = "workflow"
    verbose_name = "statutory workflow"
