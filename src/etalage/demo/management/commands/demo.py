from django.core.management.base import BaseCommand

from etalage.demo.loader import DEMO_LOGINS, load_demo


class Command(BaseCommand):
    help = "Load the demo marketplace (once: when merchants exist, nothing changes)."

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["load", "logins"],
            help="load the demo, or print its logins",
        )
        parser.add_argument(
            "--no-images", action="store_true", help="skip drawing the illustrations"
        )

    def handle(self, *args, action, no_images, **options):
        if action == "logins":
            self.stdout.write("Demo logins (user / password):")
            for role, username, password in DEMO_LOGINS:
                self.stdout.write(f"  {role:<26}  {username} / {password}")
            self.stdout.write("")
            return
        load_demo(log=self.stdout.write, with_images=not no_images)
