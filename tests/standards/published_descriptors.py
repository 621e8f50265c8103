"""The published pass and distinction descriptors of ST0825's EPA plan, word for word, copied
from the EPAO's source notes (st0825-epa-plan-notes.md §3.1 and §3.2, which made curly quotes
straight and keep the sources' own slips, such as "database,configuration").

Kept here, not read from the notes, so the test runs where the notes are not (CI). The theme
names are the sources' own too. Project: S6, an apprentice quoting the provider's project pack
(v1.0). Professional discussion: S5, Corndel/Softwire's EPA guide (v1.0).

Each descriptor stays on one line, as in the notes, so a line can be checked against them and
no space goes missing where a long string would be split.
"""
# ruff: noqa: E501

PROJECT = {
    "Code Quality": {
        "pass": [
            "Writes code, both general purpose and infrastructure-as-code (including cloud infrastructure) that is correctly versioned and easy to merge, while adhering to the principles of distributed Source Control.",
            "Demonstrates an iterative approach to evolving code consistent with cloud security best practice, evidenced by a lack of vulnerabilities and that all dependent components are present at run time.",
            "Writes code around unit tests, including the appropriate use of test doubles and mocking strategies.",
            "Explains troubleshooting methods used to identify and resolve issues and gives an example of identifying and remediating an issue that compromised code quality.",
        ],
        "distinction": [],
    },
    "Meeting User Needs": {
        "pass": [
            "Writes user stories that are understandable to a wide range of stakeholders, stand up to scrutiny and lend themselves to a solution based on common architectural patterns - i.e. reducing the number of moving/redundant parts; passes all acceptance tests.",
            "The piece of code meets the 'must have' identified functional/non-functional user needs encapsulated in the acceptance criteria for the task.",
            "Creates a quality product in terms of Mean Time To Recovery (MTTR) - i.e. reduced time to fix bugs.",
        ],
        "distinction": [
            "Produces a piece of code that meets the 'should have' identified functional/non-functional user needs encapsulated in the acceptance criteria for the task.",
        ],
    },
    "CI-CD Pipeline": {
        "pass": [
            "Builds a fully functioning, automated CI-CD pipeline with all tests passing.",
            "Evidences a code commit progressing seamlessly from a build artefact to the end user.",
            "Explains the pipeline capability, including the benefits of frequent merging of code, in terms of Continuous Integration/Delivery/Deployment.",
        ],
        "distinction": [],
    },
    "Refreshing and Patching": {
        "pass": [
            "Deploys immutable infrastructure that enables the regular recycling of servers and refreshing of associated software based on manual processes.",
        ],
        "distinction": [
            "Fully automates the refreshing and patching process.",
        ],
    },
    "Operability": {
        "pass": [
            "Installs and manages monitoring and alerting tools that provide coverage of the infrastructure and applications, including RAM and CPU utilisation, application error rates and availability (health check).",
            "Configures appropriate alerting thresholds and visualisations. Interprets these in terms of failure scenarios and remedial/follow up actions taken to deliver continuous improvement.",
        ],
        "distinction": [
            "Introduces custom metrics that provide additional improvement areas.",
            "Explains how these improvement areas may be interpreted, implemented and delivered.",
        ],
    },
    "Data Persistence": {
        "pass": [
            "Employs and operates an appropriate data persistence technology, such as database,configuration/infrastructure state management to meet non-functional and functional needs.",
            "Explains troubleshooting steps taken to locate issues across the end-to-end service.",
        ],
        "distinction": [],
    },
    "Automation": {
        "pass": [
            "Introduces process efficiencies by automating the setting up/deploying of the project (infrastructure and applications) from scratch, both locally, including all tests, and to a hosted environment.",
        ],
        "distinction": [
            "Identifies an additional opportunity and introduces automation that reduces overall effort.",
        ],
    },
    "Data Security": {
        "pass": [
            "Builds in security so that all data in transit is encrypted and secure.",
            "Explains the types of threats and the rationale behind the decision to either encrypt data at rest or not.",
        ],
        "distinction": [],
    },
}

DISCUSSION = {
    "Organisational Culture": {
        "pass": [
            "Explains how an organisation's culture can both provide creative freedom and introduce constraints.",
            "Explains the connection between culture and the organisation's potential for continuous improvement with both internal and external parties.",
        ],
        "distinction": [
            "Explains the mindsets that underpin organisational culture - e.g. outcome versus activity driven, collaboration versus silos, accountability, trust and empowerment and their impact on the organisation.",
            "Assesses the difference between risk avoidance and risk acceptance and how these link to culture.",
        ],
    },
    "Data Ethics": {
        "pass": [
            "Identifies relevant data protection legislation and assesses its impact on the ethical use of customer data, as well as its relevance to emerging technologies, such as Artificial Intelligence and Machine Learning.",
        ],
        "distinction": [],
    },
    "Problem Solving": {
        "pass": [
            "Identifies different problem solving techniques and evaluates how they use modelling approaches that are best suited to each technique in order to gain consensus as a team.",
        ],
        "distinction": [
            "Describes how they facilitated an incident post- mortem/lessons learned session.",
            "Explains the root cause analysis process. Gains consensus on an improvement plan, including accountabilities and the implementation timeline.",
        ],
    },
    "The Profession in Context": {
        "pass": [
            "Identifies the typical multi-disciplinary team roles and explains how they fit within the organisation and the wider digital landscape.",
            "Explains how they completed a task, deploying a flexible, collaborative and pragmatic approach with peers and other stakeholders.",
            "Describes examples of different communication methods used when dealing with internal and external stakeholders",
            "Explains how they have acted in an inclusive and professional manner.",
        ],
        "distinction": [],
    },
    "Tooling & Technology": {
        "pass": [
            "Explains the difference between the various types of implementation - on premise v SaaS, open source v enterprise, bespoke v off-the-shelf.",
            "Explains an example of having utilised the right type of tool for a particular task, describing the pros and cons of the alternatives.",
        ],
        "distinction": [
            "Justifies their choice of tooling and the potential impact of making an alternative choice explaining the cause and effect of making the wrong decision.",
        ],
    },
    "Continuous Learning & Development": {
        "pass": [
            "Explains the CPD undertaken by themselves in order to keep up with cutting edge technologies and maintain appropriate certifications.",
            "Explains how they invest in others continuous learning and activities and the impact this has on their own development.",
        ],
        "distinction": [
            "Gives examples of how their CPD has had a positive impact on theirs and their team's work.",
            "Explains how this has helped them perform their role better and make better technology choices.",
        ],
    },
    "Peer review": {
        "pass": [
            "Explains the benefits, in terms of security and overall quality, of subjecting written code to the scrutiny of others.",
            "Explains how they collaborate on code through pair/mob commits.",
        ],
        "distinction": [],
    },
    "Communicating and Knowledge Sharing": {
        "pass": [
            "Explains when they have: lead a demonstration or discussion in an engaging manner, communicating at the right level to suit technical and non-technical audiences. [and] worked collaboratively to share knowledge through, for example, blog posts and pairing on tasks.",
        ],
        "distinction": [],
    },
}

#: The KSBs S6 lists under each project theme heading (published; S7 and S9 group them alike).
PROJECT_THEME_KSBS = {
    "Code Quality": "K2 K5 K7 K14 S9 S11 S14 S17 S18 S20 S22",
    "Meeting User Needs": "K4 K10 K21 S3",
    "CI-CD Pipeline": "K1 K15 S15",
    "Refreshing and Patching": "K8 S5",
    "Operability": "K11 S6 S19 B3",
    "Data Persistence": "K12 S7",
    "Automation": "K13 K17 S12",
    "Data Security": "K16 S10",
}

#: The notes' *inferred* KSBs per discussion theme: S5 gives none, so this grouping is the
#: EPAO's reading, and the fixture says so (`ksbs_source: "epao"`).
DISCUSSION_THEME_KSBS = {
    "Organisational Culture": "K9 S2 K23",
    "Data Ethics": "K3",
    "Problem Solving": "K6 S21",
    "The Profession in Context": "K18 K22 S8 K19 B4",
    "Tooling & Technology": "K24",
    "Continuous Learning & Development": "S16 B2 K25",
    "Peer review": "K20 S13",
    "Communicating and Knowledge Sharing": "S1 S4 B1",
}
