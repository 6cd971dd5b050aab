import { expect } from "chai";
import { PROGRAM_SECRET_HASH_COST, TEST_SECRET_HASH_COST } from "../tests/mocks";
import { PRODUCTION_SECRET_HASH_COST, secretHash } from "./swarmService";

describe("names of Swarm secrets (swarmService.ts)", () => {
    it("hashes with scrypt at Node's default cost (N 16384, r 8, p 1) unless a test changes it, naming secrets as every deployed one was named (else a deploy replaces them all)", () => {
        expect(PRODUCTION_SECRET_HASH_COST).to.deep.equal({ N: 16384, r: 8, p: 1 });
        expect(PROGRAM_SECRET_HASH_COST).to.equal(PRODUCTION_SECRET_HASH_COST);
        // Values computed by the hash that named the secrets deployed so far: scryptSync(value, salt, 16) in hex, first 12 digits.
        expect(secretHash("db-pass-7f3a9c", "ade:production:database-password", PRODUCTION_SECRET_HASH_COST)).to.equal("4a92bf61ba1e");
    });

    it("hashes by the cost asked for, not by a hash of the same value and salt at another cost", () => {
        const cheap = secretHash("db-pass-7f3a9c", "ade:production:database-password", TEST_SECRET_HASH_COST);
        expect(cheap).to.match(/^[0-9a-f]{12}$/);
        expect(cheap).not.to.equal("4a92bf61ba1e");
        expect(secretHash("db-pass-7f3a9c", "ade:production:database-password")).to.equal(cheap);
    });
});
