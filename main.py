import logging

from dify_plugin import DifyPluginEnv, Plugin
from dify_plugin.config.logger_format import plugin_logger_handler

# chat_skins logs through the SDK's handler so its records reach Dify's plugin log (stdout is the pipe).
_log = logging.getLogger("chat_skins")
_log.addHandler(plugin_logger_handler)
_log.setLevel(logging.INFO)
_log.propagate = False

# Generous timeout: a chat answer may stream for minutes.
plugin = Plugin(DifyPluginEnv(MAX_REQUEST_TIMEOUT=600))

if __name__ == "__main__":
    plugin.run()
