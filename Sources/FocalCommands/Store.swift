import ArgumentParser
import FocalDatasets
import Foundation

/// `focal store`: the embedding cache itself.
struct Store: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work on embedding stores (the SQLite caches of embeddings).",
        subcommands: [Merge.self])

    /// `focal store merge`: the stores of a sharded embedding run, combined.
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Combine embedding stores (e.g. one per `focal embed --shard K/N`) into one.",
            discussion: """
                Every row must belong to the same backbone (weights and preprocessing), and an image found in \
                two stores must have the same embedding in both; otherwise nothing is written. What --into \
                already holds is kept. The merged store is built beside --into and renamed over it, so an \
                interrupted merge leaves it as it was; no other process may write it meanwhile.
                """)

        @Argument(help: "The stores to merge.")
        var stores: [String]

        @Option(help: "The store to merge into (created if missing).")
        var into: String

        @Flag(help: "Print a JSON summary on stdout.")
        var json = false

        func run() throws {
            let summary = try EmbeddingStore.merge(stores, into: into)
            if json {
                print(try jsonLine([
                    "into": into, "rows": summary.rows, "duplicates": summary.duplicates, "backbone": summary.backbone ?? NSNull(),
                    "added": summary.added.map { ["store": $0.store, "rows": $0.rows] },
                ] as [String: Any]))
            } else {
                let parts = summary.added.map { "\($0.rows) from \($0.store)" }.joined(separator: ", ")
                print("merged \(summary.rows) embeddings into \(into) (\(parts)" + (summary.duplicates > 0 ? "; \(summary.duplicates) found twice, equal" : "") + ")")
            }
        }
    }
}
