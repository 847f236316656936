"""What the council does with verdicts: rank with quotas (`ranking`), vote (`ballot`), check dossiers
(`dossier`)."""
