from django.core.management.base import BaseCommand

from etalage.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demo marketplace (once: when merchants exist, nothing changes)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])
        parser.add_argument(
            "--no-images", action="store_true", help="skip drawing the illustrations"
        )

    def handle(self, *args, action, no_images, **options):
        load_demo(log=self.stdout.write, with_images=not no_images)
