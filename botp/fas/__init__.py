"""Logging in through the Federal Authentication Service (FAS, CSAM): itsme or the eID.

FAS speaks OpenID Connect. The provider here is django-allauth's own OpenID Connect provider
with what FAS and the portal need on top: FAS' scopes and assurance level asked, the ID token's
signature always checked against the issuer's keys (with its audience, expiry, nonce and
assurance level), the userinfo taken as JSON or as a signed JWT, and the person found by the
keyed hash of their national register number (botp.fas.linking), never by a name or an
address, and never made: no account is created through FAS.
"""
