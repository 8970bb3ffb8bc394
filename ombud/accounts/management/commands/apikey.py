from django.core.management.base import BaseCommand, CommandError

from ombud.accounts.models import Role
from ombud.accounts.services import create_api_key, revoke_api_key
from ombud.core.errors import InvalidInput


class Command(BaseCommand):
    help = "Create or revoke API keys for integrators and staff tools."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a key and print it once")
        create.add_argument("--name", required=True)
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument("--authority", help="authority code; staff roles need one")
        create.add_argument("--business", help="USCC of the business a business key acts for")
        revoke = sub.add_parser("revoke", help="revoke a key by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **opts):
        if action == "revoke":
            revoke_api_key(prefix=opts["prefix"])
            self.stdout.write(f"revoked {opts['prefix']}")
            return
        try:
            key, token = create_api_key(name=opts["name"], role=opts["role"], authority_code=opts.get("authority"),
                                         business_uscc=opts.get("business"))
        except InvalidInput as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(f"key {key.prefix} for {key.name} ({key.role}); it is shown once:")
        self.stdout.write(token)
