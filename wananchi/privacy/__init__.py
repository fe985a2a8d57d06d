"""Citizens' personal data under the Personal Data Protection Act 2022: retention, legal holds, consent, access."""
