import { expect } from "chai";
import { updateFailure } from "./deployment";

describe("the line that says why an update failed", () => {
    const cases: [string, string, string][] = [
        [
            "the health verification's own message",
            'Updating (development):\n  error: update failed\n  command:local:Command (ade-health-probe):\n    error: Health verification failed: "api" (HTTP 500: {"status":"broken"})\n      healthy: grafana ...',
            'Health verification failed: "api" (HTTP 500: {"status":"broken"})',
        ],
        [
            "a provider's error, without the engine's summary line",
            "Updating (development):\n  docker:index/container:Container (ade-database-postgres-container):\n    error: container ade-development-postgres stopped (exited)\n  pulumi:pulumi:Stack (ade-development):\n    error: update failed",
            "container ade-development-postgres stopped (exited)",
        ],
        [
            "the program's error with every problem under it",
            'Previewing update (development):\n  pulumi:pulumi:Stack (ade-development):\n    error: Stack "development" names images that cannot be had:\n      images.postgres: image postgres:99 cannot be had\n      images.dbAdmin: image adminer:9 cannot be had\n\nResources:\n',
            'Stack "development" names images that cannot be had:\n  images.postgres: image postgres:99 cannot be had\n  images.dbAdmin: image adminer:9 cannot be had',
        ],
        ["a message without an error line", "\nconnection refused\n", "connection refused"],
    ];
    for (const [title, text, expected] of cases) {
        it(title, () => {
            expect(updateFailure(new Error(text))).to.equal(expected);
        });
    }
});
