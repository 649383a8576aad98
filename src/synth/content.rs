//! The demo organisation's questionnaire, scales, teams and rounds: the text the generator
//! writes into the exports.

pub(super) const FIRST: &[&str] = &[
    "alex", "sam", "maria", "li", "noah", "fatima", "jonas", "priya", "chen", "lucia", "omar",
    "emma", "kofi", "ines", "yuki", "david", "sara", "ivan", "amara", "leo",
];
pub(super) const LAST: &[&str] = &[
    "smith", "garcia", "mueller", "wang", "okafor", "rossi", "kim", "novak", "silva", "jensen",
    "haddad", "tanaka", "brown", "dubois", "petrov", "costa", "ali", "nguyen", "kowalski",
    "moreau",
];

/// Teams and their sizes (infra-tools is deliberately below the anonymity threshold).
pub const TEAMS: &[(&str, usize)] = &[
    ("payments", 230),
    ("search", 190),
    ("mobile", 210),
    ("data-platform", 160),
    ("identity", 120),
    ("growth", 180),
    ("developer-experience", 107),
    ("infra-tools", 3),
];
pub(super) const ROLES: &[&str] =
    &["Backend engineer", "Frontend engineer", "SRE", "Data engineer", "Engineering manager"];
pub(super) const TENURE: &[&str] = &["Less than 1 year", "1-3 years", "More than 3 years"];
pub(super) const SAT5: [&str; 5] = [
    "Very dissatisfied",
    "Dissatisfied",
    "Neither satisfied nor dissatisfied",
    "Satisfied",
    "Very satisfied",
];
pub(super) const EASE5: [&str; 5] =
    ["Very difficult", "Difficult", "Neither easy nor difficult", "Easy", "Very easy"];
pub(super) const AGREE5: [&str; 5] =
    ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"];
pub(super) const AGREE7: [&str; 7] = [
    "Strongly disagree",
    "Disagree",
    "Somewhat disagree",
    "Neither agree nor disagree",
    "Somewhat agree",
    "Agree",
    "Strongly agree",
];
pub(super) const FREQ5: [&str; 5] = ["Never", "Rarely", "Sometimes", "Often", "Always"];
/// Multi-select options; one contains a comma, as real Google Forms options do.
pub const CAPABILITIES: &[&str] = &[
    "CI pipelines",
    "Deployments",
    "Logs, metrics and traces",
    "Secrets management",
    "Service templates",
];
pub(super) const GRID: &str = "How satisfied are you with the following parts of the platform?";
pub(super) const GRID_ROWS: [&str; 5] = [
    "CI build speed",
    "Deployment pipeline",
    "Documentation",
    "Observability",
    "Self-service infrastructure",
];
pub(super) const DOCS_OLD: &str = "How easy is it to find the documentation you need?";
pub(super) const DOCS_NEW: &str = "How easy is it to find the right documentation for a task?";
pub(super) const TICKET: &str = "I can get a new service to production without filing a ticket.";
pub(super) const ONCALL: &str = "How satisfied are you with your on-call load?";
pub(super) const LOCALDEV: &str = "How satisfied are you with your local development environment?";
pub(super) const FLAKY: &str = "How often do flaky tests block your work?";
pub(super) const NPS: &str =
    "How likely are you to recommend the developer platform to a colleague?";
pub(super) const OVERALL: &str = "Overall, how satisfied are you with the developer platform?";
pub(super) const CAPS_Q: &str = "Which platform capabilities do you use?";
pub(super) const HOURS: &str = "Roughly how many hours per week do you lose to tooling friction?";
pub(super) const COMMENT_Q: &str = "What is the one thing we should improve?";
/// CNCF Platform Engineering Maturity Model aspects, with four statements each (levels 1-4,
/// provisional -> optimizing), in our own words.
pub const MATURITY: [(&str, &str, [&str; 4]); 5] = [
    (
        "investment",
        "Which statement best describes how the platform is funded and staffed?",
        [
            "Platform work happens on the side, when someone has time",
            "A dedicated team maintains the platform, funded project by project",
            "The platform is funded and run as a product with a roadmap",
            "Investment follows measured value to developers and the business",
        ],
    ),
    (
        "adoption",
        "Which statement best describes how teams come to use the platform?",
        [
            "Teams find tools by word of mouth",
            "Teams are told to use the platform",
            "Teams choose the platform because it is the easiest path",
            "Teams contribute capabilities back to the platform",
        ],
    ),
    (
        "interfaces",
        "Which statement best describes how you get platform capabilities?",
        [
            "By filing tickets and custom requests",
            "Through documented, consistent processes",
            "Self-service through a portal, CLI or API",
            "Through integrated services that teams compose and extend",
        ],
    ),
    (
        "operations",
        "Which statement best describes how platform capabilities are operated?",
        [
            "Ad hoc, on request",
            "Centrally tracked and managed",
            "Centrally enabled, with teams serving themselves",
            "As managed services with SLOs and automation",
        ],
    ),
    (
        "measurement",
        "Which statement best describes how the platform is measured?",
        [
            "We do not measure the platform",
            "We collect usage data and surveys consistently",
            "We turn that data into insights that steer our work",
            "Quantitative and qualitative evidence drives decisions, with guardrails",
        ],
    ),
];
pub(super) const TEAM_Q: &str = "Which team are you on?";
pub(super) const ROLE_Q: &str = "What is your role?";
pub(super) const TENURE_Q: &str = "How long have you worked here?";

pub(super) const COMMENTS: &[&str] = &[
    "CI builds are much faster since the cache change, thanks!",
    "The docs are out of date and hard to search; I never find the runbook I need.",
    "Flaky integration tests block my merges almost every day.",
    "Onboarding took weeks because permissions requests go through three teams.",
    "Deploys are smooth now, but rollbacks are still scary.",
    "Too many tools: we have three ways to get logs and none of them agree.",
    "Staging environments are always broken or taken by another team.",
    "On-call is exhausting, pages at night for non-issues.",
    "Getting access to production data needs a ticket and a week of waiting.",
    "The service template saved me days. More of those please.",
    "Build times went up again for the monorepo, 40 minutes is too long.",
    "I love the new deployment dashboard.",
    "Documentation for the platform APIs is missing examples.",
    "Local dev setup is painful, docker compose breaks every update.",
    "Please fix the flaky tests in the payments pipeline.",
];

/// One quarterly round of the demo.
#[derive(Debug, Clone, Copy)]
pub struct DemoRound {
    /// Round ID.
    pub id: &'static str,
    /// Platform the file imitates.
    pub platform: &'static str,
    /// File name in fixtures/demo.
    pub file: &'static str,
    /// Engineers invited.
    pub invited: u64,
}

/// The demo's four rounds.
pub const DEMO_ROUNDS: [DemoRound; 4] = [
    DemoRound {
        id: "2025-Q4",
        platform: "google-forms",
        file: "2025-Q4 Developer Platform Survey (Responses) - Form Responses 1.csv",
        invited: 1200,
    },
    DemoRound {
        id: "2026-Q1",
        platform: "surveymonkey",
        file: "2026-Q1 developer platform survey - SurveyMonkey.csv",
        invited: 1250,
    },
    DemoRound {
        id: "2026-Q2",
        platform: "qualtrics",
        file: "2026-Q2_Developer+Platform+Pulse_June+30,+2026_10.15.csv",
        invited: 1300,
    },
    DemoRound {
        id: "2026-Q3",
        platform: "qualtrics",
        file: "2026-Q3_Developer+Platform+Pulse_September+30,+2026_09.02.csv",
        invited: 1320,
    },
];
