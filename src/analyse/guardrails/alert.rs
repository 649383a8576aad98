//! What `pulse check` raises: alerts with a kind and a severity, and the verdict on each
//! series. Every enum serialises to the strings pulse has always printed.

use serde::{Deserialize, Serialize, Serializer};

macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            /// The name pulse prints (JSON, CSV, tables).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

str_enum!(
    /// The guardrail that raised an alert.
    AlertKind {
        /// A service-level objective on the level or the change was broken.
        SloBreach => "slo_breach",
        /// The metric improved while one of its counter-metrics worsened.
        CounterRegression => "counter_regression",
        /// Values pile up just inside the target.
        TargetBunching => "target_bunching",
        /// The number and developers' perception moved in opposite directions.
        Divergence => "divergence",
        /// The series no longer discriminates.
        Saturation => "saturation",
        /// A target without a counter-metric.
        LoneTarget => "lone_target",
        /// Too few answers, or a response-rate drop.
        SurveyHealth => "survey_health",
    }
);

str_enum!(
    /// How urgent an alert is; ordered `Info < Low < Medium < High`.
    Severity {
        /// Advice on the metrics file, not a finding.
        Info => "info",
        /// Worth a look.
        Low => "low",
        /// Read before trusting the numbers.
        Medium => "medium",
        /// Act.
        High => "high",
    }
);

str_enum!(
    /// The verdict on one series between the two periods.
    Verdict {
        /// Moved in its good direction beyond noise.
        Improved => "improved",
        /// Moved in its bad direction beyond noise.
        Worsened => "worsened",
        /// Tested; the change is inside the noise.
        NoDetectableChange => "no detectable change",
        /// Values in both periods, but no test applies.
        Untested => "untested",
        /// Survey health withholds the trend.
        Withheld => "withheld",
        /// A value is missing in one of the periods.
        NoData => "no data",
        /// The source covers too few days of one period (or, for distinct people, the two
        /// periods cover unequal shares of their days): not compared.
        LowCoverage => "low coverage",
    }
);

/// Which way is good for a metric (`direction` in metrics.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Smaller values are better (durations, failure rates).
    LowerIsBetter,
    /// Larger values are better (frequency, adoption).
    HigherIsBetter,
}

impl Direction {
    /// True for [`Direction::HigherIsBetter`].
    pub fn higher_is_better(self) -> bool {
        self == Direction::HigherIsBetter
    }
}

/// One alert.
#[derive(Debug, Clone)]
pub struct Alert {
    /// Which guardrail raised it.
    pub kind: AlertKind,
    /// Metric id.
    pub metric: String,
    /// Period checked.
    pub period: String,
    /// How urgent.
    pub severity: Severity,
    /// One-line explanation with the numbers.
    pub message: String,
    /// The numbers, test and p-value.
    pub evidence: serde_json::Value,
    /// What to do.
    pub action: String,
    /// The period's values behind the alert (target bunching only: for its histogram).
    pub sample: Vec<f64>,
}

impl Alert {
    /// The alert as `pulse check --format json` prints it.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"kind": self.kind, "metric": self.metric, "period": self.period,
            "severity": self.severity, "message": self.message, "evidence": self.evidence,
            "action": self.action})
    }
}

/// True when an alert of `severity` fails a run whose threshold is `fail_on` (the least
/// severity that fails: `Info` fails on any alert).
pub fn fails(severity: Severity, fail_on: Severity) -> bool {
    severity >= fail_on
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_todays_strings() {
        assert_eq!(AlertKind::TargetBunching.as_str(), "target_bunching");
        assert_eq!(serde_json::to_value(Severity::Medium).unwrap(), "medium");
        assert_eq!(Verdict::NoDetectableChange.to_string(), "no detectable change");
        let d: Direction = serde_json::from_str("\"higher_is_better\"").unwrap();
        assert!(d.higher_is_better());
    }

    #[test]
    fn severity_thresholds() {
        assert!(fails(Severity::Info, Severity::Info));
        assert!(!fails(Severity::Info, Severity::Low));
        assert!(fails(Severity::Low, Severity::Low));
        assert!(!fails(Severity::Medium, Severity::High));
        assert!(fails(Severity::High, Severity::High));
    }
}
