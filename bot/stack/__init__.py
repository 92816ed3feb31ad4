"""Starting the assistant: the one launcher (launcher.Stack), its credentials, endpoints file and stores."""
