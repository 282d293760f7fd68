from dify_plugin import DifyPluginEnv, Plugin

# Generous timeout: a chat answer may stream for minutes.
plugin = Plugin(DifyPluginEnv(MAX_REQUEST_TIMEOUT=600))

if __name__ == "__main__":
    plugin.run()
