/// The value a merge record writes into a field.
public enum MergeValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case text(String)

    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var int: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }
}

extension MergeValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .int(let value): String(value)
        case .text(let value): value
        }
    }
}
