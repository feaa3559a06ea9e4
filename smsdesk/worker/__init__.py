"""The bridge between the Qt-free engine and the window: threads in, queued signals out."""
