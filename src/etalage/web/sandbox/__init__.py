"""The embedded sandboxes' pages: cashiers, OAuth and consoles of outside parties."""
