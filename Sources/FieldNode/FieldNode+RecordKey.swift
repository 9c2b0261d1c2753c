import Foundation
import RecordSeals
import Transport

extension FieldNode {
    /// Where the laptop keeps the Ed25519 key it seals its records with (protocol/signatures.md).
    public static let recordKeyPath = "keys/record-signing.key"

    /// The record key, made with the node (0600, beside its Noise key): every record the laptop
    /// writes is sealed with it in the same transaction, so a record altered on this disk later
    /// is found before it leaves (`field sync`, `field check`).
    static func loadRecordKey(in directory: URL) throws -> RecordSigningKey {
        let raw = try KeyFile.loadOrCreate(directory.appendingPathComponent(recordKeyPath)) {
            RecordSigningKey.generate().rawRepresentation
        }
        return try RecordSigningKey(rawRepresentation: raw)
    }
}
