// The other standards in the catalog, at clause and subclause level.
//
// Certifiable: ISO/IEC 27701:2019, ISO 9001:2015, ISO 22301:2019.
// Reference only (guidance; checklists may use them, certificates never name them):
// ISO/IEC 23894:2023, ISO 31000:2018, ISO/IEC 22989:2022, ISO/IEC 23053:2022.
//
// Clause numbers follow the standards; every title is a short description written by the
// AuditSync team, not text of the standards. Items are in document order.

extension Catalog {
    // MARK: - Certifiable

    public static let iso27701 = Standard(
        id: StandardID("iso27701:2019"),
        designation: "ISO/IEC 27701:2019",
        title: "Privacy information management extension to an ISMS",
        certifiable: true,
        // Clause 5 extends the mandatory ISO/IEC 27001 clauses: never excluded. Clause 6 extends the
        // ISO/IEC 27002 controls, whose applicability the statement of applicability decides, and
        // clauses 7 and 8 are the guidance behind Annex A (controllers) and Annex B (processors):
        // a client that is only a processor excludes the controller controls, and the reverse.
        exclusions: .items(["6", "7", "8"]),
        items: [
            CatalogItem("5", "Privacy requirements added to the ISO/IEC 27001 clauses"),
            CatalogItem("5.1", "How the ISMS requirements extend to privacy"),
            CatalogItem("5.2", "Organizational context for privacy"),
            CatalogItem("5.3", "Leadership for privacy"),
            CatalogItem("5.4", "Planning for privacy"),
            CatalogItem("5.5", "Support for privacy"),
            CatalogItem("5.6", "Operation for privacy"),
            CatalogItem("5.7", "Evaluating privacy performance"),
            CatalogItem("5.8", "Improving privacy management"),

            CatalogItem("6", "Privacy guidance added to the ISO/IEC 27002 controls"),
            CatalogItem("6.1", "How the security controls extend to privacy"),
            CatalogItem("6.2", "Policies"),
            CatalogItem("6.3", "Internal organization of security"),
            CatalogItem("6.4", "Personnel security"),
            CatalogItem("6.5", "Managing assets"),
            CatalogItem("6.6", "Controlling access"),
            CatalogItem("6.7", "Use of cryptography"),
            CatalogItem("6.8", "Physical and environmental protection"),
            CatalogItem("6.9", "Security of operations"),
            CatalogItem("6.10", "Security of communications"),
            CatalogItem("6.11", "Acquiring, developing and maintaining systems"),
            CatalogItem("6.12", "Suppliers"),
            CatalogItem("6.13", "Managing security incidents"),
            CatalogItem("6.14", "Security in business continuity"),
            CatalogItem("6.15", "Meeting legal and contractual obligations"),

            CatalogItem("7", "Additional guidance for PII controllers"),
            CatalogItem("7.1", "Scope of the controller guidance"),
            CatalogItem("7.2", "Lawful collection and processing"),
            CatalogItem("7.3", "Duties towards PII principals"),
            CatalogItem("7.4", "Privacy built in and on by default"),
            CatalogItem("7.5", "Sharing, transferring and disclosing PII"),

            CatalogItem("8", "Additional guidance for PII processors"),
            CatalogItem("8.1", "Scope of the processor guidance"),
            CatalogItem("8.2", "Processing on behalf of the customer"),
            CatalogItem("8.3", "Supporting the customer's duties to PII principals"),
            CatalogItem("8.4", "Privacy built in and on by default"),
            CatalogItem("8.5", "Sharing, transferring and disclosing PII"),
        ]
    )

    public static let iso9001 = Standard(
        id: StandardID("iso9001:2015"),
        designation: "ISO 9001:2015",
        title: "Quality management system",
        certifiable: true,
        // Clause 4.3 lets a client determine a requirement not applicable only when that does not
        // affect the conformity of its products and services, which in practice means operation
        // requirements of clause 8 that the client has no activity for. At the catalog's level
        // that is 8.3 (a client that designs nothing, such as a pure manufacturer to customer
        // drawings). The other exclusions met in practice — 7.1.5.2 measurement traceability,
        // 8.5.3 customer property, 8.5.5 post-delivery — sit inside 7.1 and 8.5, which as a
        // whole always apply: the auditor records those items conform and notes the exclusion.
        // Splitting 7.1 and 8.5 into subclauses would change the checklist of audits in flight.
        exclusions: .items(["8.3"]),
        items: [
            CatalogItem("4", "Organizational context"),
            CatalogItem("4.1", "Internal and external issues affecting the organization"),
            CatalogItem("4.2", "Interested parties and their requirements"),
            CatalogItem("4.3", "Boundaries and scope of the QMS"),
            CatalogItem("4.4", "The QMS and its processes"),

            CatalogItem("5", "Top management leadership"),
            CatalogItem("5.1", "Commitment and customer focus"),
            CatalogItem("5.2", "Quality policy"),
            CatalogItem("5.3", "Assigned roles, responsibilities and authorities"),

            CatalogItem("6", "Planning the QMS"),
            CatalogItem("6.1", "Addressing risks and opportunities"),
            CatalogItem("6.2", "Quality objectives and plans to reach them"),
            CatalogItem("6.3", "Planned changes to the QMS"),

            CatalogItem("7", "Support for the QMS"),
            CatalogItem("7.1", "Resources provided"),
            CatalogItem("7.2", "Competence of personnel"),
            CatalogItem("7.3", "Awareness of personnel"),
            CatalogItem("7.4", "Internal and external communication"),
            CatalogItem("7.5", "Documented information"),

            CatalogItem("8", "Operations"),
            CatalogItem("8.1", "Operational planning and control"),
            CatalogItem("8.2", "Determining product and service requirements"),
            CatalogItem("8.3", "Designing and developing products and services"),
            CatalogItem("8.4", "Controlling external providers"),
            CatalogItem("8.5", "Producing and delivering"),
            CatalogItem("8.6", "Releasing products and services"),
            CatalogItem("8.7", "Handling nonconforming outputs"),

            CatalogItem("9", "Evaluating performance"),
            CatalogItem("9.1", "Monitoring, measuring and evaluating results"),
            CatalogItem("9.2", "Internal audits"),
            CatalogItem("9.3", "Review by management"),

            CatalogItem("10", "Improving the QMS"),
            CatalogItem("10.1", "Finding improvement opportunities"),
            CatalogItem("10.2", "Handling nonconformities and corrective actions"),
            CatalogItem("10.3", "Ongoing improvement"),
        ]
    )

    public static let iso22301 = Standard(
        id: StandardID("iso22301:2019"),
        designation: "ISO 22301:2019",
        title: "Business continuity management system",
        certifiable: true,
        // Every clause 4–10 is a mandatory requirement of the business continuity management
        // system: nothing is excluded.
        exclusions: .none,
        items: [
            CatalogItem("4", "Organizational context"),
            CatalogItem("4.1", "Internal and external issues affecting the organization"),
            CatalogItem("4.2", "Interested parties and applicable requirements"),
            CatalogItem("4.3", "Boundaries and scope of the BCMS"),
            CatalogItem("4.4", "Establishing and maintaining the BCMS"),

            CatalogItem("5", "Top management leadership"),
            CatalogItem("5.1", "Commitment shown by top management"),
            CatalogItem("5.2", "Business continuity policy"),
            CatalogItem("5.3", "Assigned roles, responsibilities and authorities"),

            CatalogItem("6", "Planning the BCMS"),
            CatalogItem("6.1", "Addressing risks and opportunities"),
            CatalogItem("6.2", "Continuity objectives and plans to reach them"),
            CatalogItem("6.3", "Planned changes to the BCMS"),

            CatalogItem("7", "Support for the BCMS"),
            CatalogItem("7.1", "Resources provided"),
            CatalogItem("7.2", "Competence of personnel"),
            CatalogItem("7.3", "Awareness of personnel"),
            CatalogItem("7.4", "Internal and external communication"),
            CatalogItem("7.5", "Documented information"),

            CatalogItem("8", "Operations"),
            CatalogItem("8.1", "Operational planning and control"),
            CatalogItem("8.2", "Impact analysis and risk assessment"),
            CatalogItem("8.3", "Choosing continuity strategies and solutions"),
            CatalogItem("8.4", "Continuity plans and procedures"),
            CatalogItem("8.5", "Programme of exercises"),
            CatalogItem("8.6", "Evaluating continuity documents and capabilities"),

            CatalogItem("9", "Evaluating performance"),
            CatalogItem("9.1", "Monitoring, measuring and evaluating results"),
            CatalogItem("9.2", "Internal audits"),
            CatalogItem("9.3", "Review by management"),

            CatalogItem("10", "Improving the BCMS"),
            CatalogItem("10.1", "Handling nonconformities and corrective actions"),
            CatalogItem("10.2", "Ongoing improvement"),
        ]
    )

    // MARK: - Reference only

    public static let iso23894 = Standard(
        id: StandardID("iso23894:2023"),
        designation: "ISO/IEC 23894:2023",
        title: "Guidance on managing AI risk",
        certifiable: false,
        // Guidance: it states no requirement, so any item may be found not to apply.
        exclusions: .all,
        items: [
            CatalogItem("4", "Principles of AI risk management"),

            CatalogItem("5", "Risk management framework for AI"),
            CatalogItem("5.1", "Purpose of the framework"),
            CatalogItem("5.2", "Leadership commitment to managing AI risk"),
            CatalogItem("5.3", "Integrating AI risk management into the organization"),
            CatalogItem("5.4", "Designing the framework"),
            CatalogItem("5.5", "Putting the framework in place"),
            CatalogItem("5.6", "Evaluating the framework"),
            CatalogItem("5.7", "Improving the framework"),

            CatalogItem("6", "Risk management process for AI"),
            CatalogItem("6.1", "Purpose of the process"),
            CatalogItem("6.2", "Communicating and consulting"),
            CatalogItem("6.3", "Scope, context and risk criteria"),
            CatalogItem("6.4", "Assessing AI risk"),
            CatalogItem("6.5", "Treating AI risk"),
            CatalogItem("6.6", "Monitoring and reviewing"),
            CatalogItem("6.7", "Recording and reporting"),
        ]
    )

    public static let iso31000 = Standard(
        id: StandardID("iso31000:2018"),
        designation: "ISO 31000:2018",
        title: "Risk management guidelines",
        certifiable: false,
        // Guidance: it states no requirement, so any item may be found not to apply.
        exclusions: .all,
        items: [
            CatalogItem("4", "Principles of risk management"),

            CatalogItem("5", "Risk management framework"),
            CatalogItem("5.1", "Purpose of the framework"),
            CatalogItem("5.2", "Leadership commitment to managing risk"),
            CatalogItem("5.3", "Integrating risk management into the organization"),
            CatalogItem("5.4", "Designing the framework"),
            CatalogItem("5.5", "Putting the framework in place"),
            CatalogItem("5.6", "Evaluating the framework"),
            CatalogItem("5.7", "Improving the framework"),

            CatalogItem("6", "Risk management process"),
            CatalogItem("6.1", "Purpose of the process"),
            CatalogItem("6.2", "Communicating and consulting"),
            CatalogItem("6.3", "Scope, context and risk criteria"),
            CatalogItem("6.4", "Assessing risk"),
            CatalogItem("6.5", "Treating risk"),
            CatalogItem("6.6", "Monitoring and reviewing"),
            CatalogItem("6.7", "Recording and reporting"),
        ]
    )

    public static let iso22989 = Standard(
        id: StandardID("iso22989:2022"),
        designation: "ISO/IEC 22989:2022",
        title: "AI concepts and terminology",
        certifiable: false,
        // Guidance: it states no requirement, so any item may be found not to apply.
        exclusions: .all,
        items: [
            CatalogItem("5", "Core AI concepts"),

            CatalogItem("6", "Life cycle of an AI system"),
            CatalogItem("6.1", "Life cycle model"),
            CatalogItem("6.2", "Life cycle stages and processes"),

            CatalogItem("7", "Functional view of an AI system"),
            CatalogItem("7.1", "Overview of the functional view"),
            CatalogItem("7.2", "Data and information"),
            CatalogItem("7.3", "Knowledge and learning"),
            CatalogItem("7.4", "From predictions to decisions and actions"),

            CatalogItem("8", "The AI ecosystem"),

            CatalogItem("9", "Fields of AI"),
            CatalogItem("9.1", "Computer vision and image recognition"),
            CatalogItem("9.2", "Natural language processing"),
            CatalogItem("9.3", "Data mining"),
            CatalogItem("9.4", "Automated planning"),

            CatalogItem("10", "Applications of AI systems"),
            CatalogItem("10.1", "Overview of applications"),
            CatalogItem("10.2", "Detecting fraud"),
            CatalogItem("10.3", "Automated vehicles"),
            CatalogItem("10.4", "Predictive maintenance"),
        ]
    )

    public static let iso23053 = Standard(
        id: StandardID("iso23053:2022"),
        designation: "ISO/IEC 23053:2022",
        title: "Framework for AI systems using machine learning",
        certifiable: false,
        // Guidance: it states no requirement, so any item may be found not to apply.
        exclusions: .all,
        items: [
            CatalogItem("5", "Overview of the framework"),
            CatalogItem("6", "Components of a machine learning system"),
            CatalogItem("7", "Machine learning approaches"),
            CatalogItem("8", "Machine learning pipeline"),
        ]
    )
}
