import Foundation
import XCTest
@testable import SQLiteKit
import TestSupport

/// SQLite's result codes, spelled out so the tests need not import the C module.
enum ResultCode {
    static let error: Int32 = 1
    static let corrupt: Int32 = 11
    static let cantOpen: Int32 = 14
    static let constraint: Int32 = 19
    static let notADatabase: Int32 = 26
    static let constraintNotNull: Int32 = 19 | (5 << 8)
    static let constraintPrimaryKey: Int32 = 19 | (6 << 8)
    static let constraintUnique: Int32 = 19 | (8 << 8)
}
