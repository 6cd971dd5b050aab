/**
 * The stack's secrets. They never pass through the config schema
 * (`config/schema.ts`): their values stay `pulumi.Output` secrets, so only
 * their names and what they are for are listed here.
 */

/** Secrets the platform needs; each is a Pulumi secret (`pulumi config set --secret`). */
export const SECRET_KEYS = {
    databasePassword: "password of the application's PostgreSQL role",
    grafanaAdminPassword: "password of Grafana's admin user",
    appSecretKey: "key the application signs its responses with",
} as const;
export type SecretKey = keyof typeof SECRET_KEYS;
export const SECRET_KEY_NAMES = Object.keys(SECRET_KEYS) as SecretKey[];

/** Secrets a stack may have; each is used only by the feature it belongs to, and refused without it. */
export const OPTIONAL_SECRET_KEYS = {
    alertWebhookToken: "bearer token Alertmanager sends to monitoring.alertmanager.webhook (the Authorization header); delivered as a file",
} as const;
export type OptionalSecretKey = keyof typeof OPTIONAL_SECRET_KEYS;
export const OPTIONAL_SECRET_KEY_NAMES = Object.keys(OPTIONAL_SECRET_KEYS) as OptionalSecretKey[];

/**
 * Names of environment variables that look like they hold a secret. Such a
 * value must be a Pulumi secret delivered as a file, never a plain `env` entry.
 */
export const SECRET_LOOKING_NAME = /PASSWORD|SECRET|TOKEN|KEY/i;
