"""Data files shipped with smsdesk: sample list, icons, compiled translations."""
