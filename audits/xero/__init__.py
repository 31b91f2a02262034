"""Reading XPM and Xero through their APIs (docs/connect.md): OAuth tokens, the rate-limited
HTTP client and pulling pages into the same canonical tables as uploads. Never imports wizard."""
