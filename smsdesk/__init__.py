"""smsdesk: send SMS notifications and promotions through your own cloud SMS account."""

__version__ = "0.1.0"
APP_NAME = "smsdesk"
