from django.core.management.base import BaseCommand

from etalage.customs.services import identities_rotate


class Command(BaseCommand):
    help = (
        "Buyer identities: 'rotate' re-encrypts every ID number under the newest key "
        "of ETALAGE_ID_ENCRYPTION_KEYS (keep the old keys listed until it has run)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rotate"])

    def handle(self, *args, action, **options):
        self.stdout.write(f"{identities_rotate()} ID numbers re-encrypted")
