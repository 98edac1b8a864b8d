import * as pulumi from "@pulumi/pulumi";
import { MultiOrg } from "@atlas-multiorg/atlas-multiorg";

// The paying organization and the owner of the new organizations; the
// mongodbatlas provider's own config (clientId, clientSecret) signs in as the
// paying organization.
const config = new pulumi.Config();

const dev = new MultiOrg("dev", {
    payingOrgId: config.require("payingOrgId"),
    orgOwnerId: config.require("orgOwnerId"),
    environment: "dev",
    orgs: {
        analytics: {
            name: "acme-ts-analytics",
            serviceAccount: {
                name: "analytics-automation",
                description: "Automation for the dev analytics org",
                roles: ["ORG_OWNER"],
                secretExpiresAfterHours: 720,
            },
            securityContact: "security@example.com",
            // Served by the package's own plugin (an OrganizationSettings
            // resource): provider 4.14.0 cannot set it. 8 hours, where
            // Atlas' default is 12; the idle timeout stays Atlas' default.
            absoluteSessionTimeoutInSeconds: 28800,
        },
        payments: {
            name: "acme-ts-payments",
            apiKey: {
                description: "Automation for the dev payments org",
                roles: ["ORG_OWNER", "ORG_BILLING_READ_ONLY"],
            },
        },
        // No credential block: gets the default service account.
        sandbox: { name: "acme-ts-sandbox", genAiFeaturesEnabled: true },
    },
});

export const orgIds = dev.orgIds;
export const credentialTypes = dev.credentialTypes;
export const secretExpiresAt = dev.secretExpiresAt;
// A secret: `pulumi stack output credentials --show-secrets` prints it.
export const credentials = dev.credentials;
