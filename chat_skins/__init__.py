"""Chat Skins: the plugin's logic. Pure modules; never defines or imports an Endpoint."""
