"""No tables of its own; the module lets post_migrate reach this app."""
