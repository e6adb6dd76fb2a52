"""The portal's REST API (/api/v1/): read-only views of what the access policy lets a user see,
and recording sessions through the same services as the pages.

What a user may see is decided by botp.policy, never here: each endpoint's queryset is a
policy queryset, and fields that need more than seeing the case ask ``policy.can``.
"""
