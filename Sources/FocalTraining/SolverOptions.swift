/// Which test ends a fit.
public enum StoppingRule: String, Codable, Sendable {
    /// Fixed tolerances: the scaled gradient ≤ `gradientTolerance` and the last
    /// iteration's objective decrease ≤ `objectiveTolerance` (relative). Tight
    /// by default; what the scikit-learn reference tests use.
    case tolerances
    /// The objective has stopped moving relative to its own statistical noise;
    /// see `SolverOptions.noiseFraction`.
    case statisticalNoise
}

/// When the solver stops, and how it searches.
///
/// The default rule, `statisticalNoise`, lets the tolerance follow the data.
/// The objective's data term is a sum over samples, C·Σ s_i·logloss_i; had
/// the samples been drawn again it would differ by about its standard error,
/// σ_f = √n·sd(C·s_i·logloss_i) over the n labelled samples. Optimising the
/// objective more finely than a small fraction of σ_f cannot change the fitted
/// model in any way the data can detect: the metrics move far less than their
/// bootstrap intervals (`StoppingRuleTests` checks this against tight fits). So
/// a problem stops once both the last iteration's decrease and the next
/// step's predicted decrease (−½·g·d, the quasi-Newton model's estimate of
/// what is left) are at most `noiseFraction`·σ_f. A fixed relative tolerance
/// asks as much of 100 samples as of 100,000; this one asks for what the data
/// can resolve (σ_f grows as √n, the objective as n), in the objective's own
/// units, so it needs no tuning per C, N or class balance.
///
/// `tolerances` is the older fixed rule, on scikit-learn's scale (its lbfgs
/// `tol` bounds the gradient of the objective divided by C·Σs), so one setting
/// means the same whatever C, N or the class weights; a small gradient alone
/// is not enough there: on a nearly separable concept the objective can still
/// be 10⁻⁵ (relative) above its minimum when the scaled gradient reaches 10⁻⁶,
/// which is why the objective must also have settled.
public struct SolverOptions: Codable, Sendable, Equatable {
    /// `tolerances`: converged needs max |∂f/∂θ| / (C·Σs) ≤ this…
    public var gradientTolerance: Double
    /// …and the last iteration to have lowered the objective by at most this, relative.
    public var objectiveTolerance: Double
    public var maxIterations: Int
    /// Step pairs kept by L-BFGS.
    public var memory: Int
    /// Start L-BFGS from the feature covariance rather than the identity (see
    /// `Preconditioner`): the same optimum in fewer passes over X.
    public var preconditioned: Bool
    public var stopping: StoppingRule
    /// `statisticalNoise`: the fraction τ of the objective's standard error
    /// below which a decrease no longer counts.
    public var noiseFraction: Double

    public static let defaultNoiseFraction = 0.01

    public init(gradientTolerance: Double = 1e-6, objectiveTolerance: Double = 1e-10,
                maxIterations: Int = 1000, memory: Int = 10, preconditioned: Bool = true,
                stopping: StoppingRule = .statisticalNoise, noiseFraction: Double = SolverOptions.defaultNoiseFraction) {
        self.gradientTolerance = gradientTolerance
        self.objectiveTolerance = objectiveTolerance
        self.maxIterations = maxIterations
        self.memory = memory
        self.preconditioned = preconditioned
        self.stopping = stopping
        self.noiseFraction = noiseFraction
    }

    /// The fixed-tolerance rule at these tolerances (the old default when none are given).
    public static func tolerances(gradient: Double = 1e-6, objective: Double = 1e-10, maxIterations: Int = 1000,
                                  preconditioned: Bool = true) -> SolverOptions {
        SolverOptions(gradientTolerance: gradient, objectiveTolerance: objective, maxIterations: maxIterations,
                      preconditioned: preconditioned, stopping: .tolerances)
    }

    private enum CodingKeys: String, CodingKey {
        case gradientTolerance, objectiveTolerance, maxIterations, memory, preconditioned, stopping, noiseFraction
    }

    /// Model files written before `stopping` existed were fitted by the tolerances.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(gradientTolerance: try c.decode(Double.self, forKey: .gradientTolerance),
                  objectiveTolerance: try c.decode(Double.self, forKey: .objectiveTolerance),
                  maxIterations: try c.decode(Int.self, forKey: .maxIterations),
                  memory: try c.decode(Int.self, forKey: .memory),
                  preconditioned: try c.decodeIfPresent(Bool.self, forKey: .preconditioned) ?? true,
                  stopping: try c.decodeIfPresent(StoppingRule.self, forKey: .stopping) ?? .tolerances,
                  noiseFraction: try c.decodeIfPresent(Double.self, forKey: .noiseFraction) ?? SolverOptions.defaultNoiseFraction)
    }
}

/// How one problem (a concept, or the whole multinomial model) ended.
public struct SolverOutcome: Codable, Sendable, Equatable {
    public var iterations: Int
    public var converged: Bool
    /// The objective in this library's form (C·Σ s·logloss + ½‖w‖²).
    public var objective: Double
    /// max |∂f/∂θ| / (C·Σs) at the end, comparable to `gradientTolerance`.
    public var scaledGradient: Double
    /// σ_f, the objective's standard error over the samples at the end (see
    /// `SolverOptions`); nil in files written before it was recorded.
    public var objectiveNoise: Double?

    public init(iterations: Int, converged: Bool, objective: Double, scaledGradient: Double, objectiveNoise: Double? = nil) {
        self.iterations = iterations
        self.converged = converged
        self.objective = objective
        self.scaledGradient = scaledGradient
        self.objectiveNoise = objectiveNoise
    }
}
