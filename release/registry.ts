/**
 * The few calls `ade` makes to a registry's HTTP API (the distribution API
 * every Docker registry speaks): removing a pruned release's manifest.
 */

/** Deletes `repository@digest` from `registry`; says why when the registry refuses (many keep deletion off). */
export async function deleteManifest(registry: string, repository: string, digest: string): Promise<{ ok: true } | { ok: false; why: string }> {
    const base = registryAddress(registry);
    const url = `${base}/v2/${repository}/manifests/${digest}`;
    try {
        const response = await fetch(url, { method: "DELETE", signal: AbortSignal.timeout(10_000), headers: { connection: "close" } });
        await response.text();
        if (response.status === 202 || response.status === 404) return { ok: true };
        return { ok: false, why: `${url} answered HTTP ${response.status}${response.status === 405 ? " (the registry has deletion turned off)" : ""}` };
    } catch (error) {
        return { ok: false, why: `${url}: ${(error as Error).message}` };
    }
}

/**
 * The registry's address as the provider reaches it: a loopback registry speaks
 * plain HTTP (Docker itself allows that for loopback only), any other HTTPS.
 */
export function registryAddress(registry: string): string {
    const host = registry.split("/")[0] ?? registry;
    const loopback = /^(127\.\d+\.\d+\.\d+|localhost)(:\d+)?$/.test(host);
    return `${loopback ? "http" : "https"}://${host}`;
}
