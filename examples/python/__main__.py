"""The dev organizations through the atlas-multiorg component package.

The paying organization and the owner of the new organizations come from the
stack's config; the mongodbatlas provider's own config (clientId,
clientSecret) signs in as the paying organization.
"""

import pulumi

from atlas_multiorg import Environment, MultiOrg, OrgRole

config = pulumi.Config()

dev = MultiOrg(
    "dev",
    paying_org_id=config.require("payingOrgId"),
    org_owner_id=config.require("orgOwnerId"),
    environment=Environment.DEV,
    orgs={
        "analytics": {
            "name": "acme-py-analytics",
            "service_account": {
                "name": "analytics-automation",
                "description": "Automation for the dev analytics org",
                "roles": [OrgRole.ORG_OWNER],
                "secret_expires_after_hours": 720,
            },
            "security_contact": "security@example.com",
            # Served by the package's own plugin (an OrganizationSettings
            # resource): provider 4.14.0 cannot set it. 8 hours, where
            # Atlas' default is 12; the idle timeout stays Atlas' default.
            "absolute_session_timeout_in_seconds": 28800,
        },
        "payments": {
            "name": "acme-py-payments",
            "api_key": {
                "description": "Automation for the dev payments org",
                "roles": [OrgRole.ORG_OWNER, OrgRole.ORG_BILLING_READ_ONLY],
            },
        },
        # No credential block: gets the default service account.
        "sandbox": {"name": "acme-py-sandbox", "gen_ai_features_enabled": True},
    },
)

pulumi.export("orgIds", dev.org_ids)
pulumi.export("credentialTypes", dev.credential_types)
pulumi.export("secretExpiresAt", dev.secret_expires_at)
# A secret: `pulumi stack output credentials --show-secrets` prints it.
pulumi.export("credentials", dev.credentials)
