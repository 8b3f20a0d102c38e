/// One of N disjoint shares of a set of images, chosen by content hash, so that
/// the split depends neither on listing order nor on the machine: N workers
/// given the same folders embed every image exactly once between them.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, (0..<count).contains(index) else {
            throw ShardError("a shard is K/N with 0 ≤ K < N (got \(index)/\(count))")
        }
        self.index = index
        self.count = count
    }

    /// The environment variables a job array sets for its index, in the order looked at.
    public static let indexVariables = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"]

    /// "K/N", or "auto/N" with K from a Kubernetes Indexed Job
    /// (`JOB_COMPLETION_INDEX`) or a Slurm array (`SLURM_ARRAY_TASK_ID`).
    public init(parsing text: String, environment: [String: String]) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let count = Int(parts[1]) else {
            throw ShardError("--shard must be K/N or auto/N, e.g. 0/8 (got '\(text)')")
        }
        if parts[0] == "auto" {
            guard let name = Self.indexVariables.first(where: { environment[$0] != nil }) else {
                throw ShardError("--shard auto/\(count) needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (a Slurm array) in the environment")
            }
            guard let index = Int(environment[name]!) else { throw ShardError("\(name) is '\(environment[name]!)', not a number") }
            try self.init(index: index, count: count)
        } else {
            guard let index = Int(parts[0]) else { throw ShardError("--shard must be K/N or auto/N, e.g. 0/8 (got '\(text)')") }
            try self.init(index: index, count: count)
        }
    }

    /// Whether the image whose SHA-256 is `hash` (hex) belongs to this shard:
    /// its first 64 bits modulo the shard count.
    public func contains(hash: String) -> Bool {
        let value = UInt64(hash.prefix(16), radix: 16) ?? 0
        return Int(value % UInt64(count)) == index
    }

    public var description: String { "\(index)/\(count)" }
}

public struct ShardError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
