"""Back-office pages that show records changed only through the services."""


class ReadOnlyAdmin:
    """Mixed into a ModelAdmin or an inline: no adding, changing or deleting here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
