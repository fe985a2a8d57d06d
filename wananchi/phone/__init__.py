"""The phone channels: the USSD menu, two-way SMS, the gateways' authentication and a terminal phone for developers."""
