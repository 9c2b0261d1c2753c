// ISO/IEC 42001:2023, AI management systems.
//
// Clause and control numbers follow the standard; every title is a short description written by
// the AuditSync team, not text of the standard. Items are in document order: a heading comes
// immediately before its sub-items (see `Standard.auditableItems`).

extension Catalog {
    public static let iso42001 = Standard(
        id: StandardID("iso42001:2023"),
        designation: "ISO/IEC 42001:2023",
        title: "Artificial intelligence management system",
        certifiable: true,
        // Annex A controls are chosen in the client's statement of applicability, which may
        // exclude one with a justification; clauses 4–10 are the management system's mandatory
        // requirements and are never excluded.
        exclusions: .annexControls,
        items: [
            // Clauses 4–10: requirements of the management system.
            CatalogItem("4", "Organizational context"),
            CatalogItem("4.1", "Internal and external issues affecting the organization"),
            CatalogItem("4.2", "Interested parties and their requirements"),
            CatalogItem("4.3", "Boundaries and scope of the AI management system"),
            CatalogItem("4.4", "Establishing and maintaining the AI management system"),

            CatalogItem("5", "Top management leadership"),
            CatalogItem("5.1", "Commitment shown by top management"),
            CatalogItem("5.2", "Policy on artificial intelligence"),
            CatalogItem("5.3", "Assigned roles, responsibilities and authorities"),

            CatalogItem("6", "Planning the management system"),
            CatalogItem("6.1", "Addressing risks and opportunities"),
            CatalogItem("6.1.1", "Overall approach to risks and opportunities"),
            CatalogItem("6.1.2", "AI risk assessment"),
            CatalogItem("6.1.3", "AI risk treatment"),
            CatalogItem("6.1.4", "AI system impact assessment"),
            CatalogItem("6.2", "AI objectives and plans to reach them"),
            CatalogItem("6.3", "Planned changes to the management system"),

            CatalogItem("7", "Support for the management system"),
            CatalogItem("7.1", "Resources provided"),
            CatalogItem("7.2", "Competence of personnel"),
            CatalogItem("7.3", "Awareness of personnel"),
            CatalogItem("7.4", "Internal and external communication"),
            CatalogItem("7.5", "Documented information"),
            CatalogItem("7.5.1", "Documentation the system needs"),
            CatalogItem("7.5.2", "Creating and revising documents"),
            CatalogItem("7.5.3", "Controlling documents and records"),

            CatalogItem("8", "Operating the management system"),
            CatalogItem("8.1", "Operational planning and control"),
            CatalogItem("8.2", "Performing AI risk assessments"),
            CatalogItem("8.3", "Implementing AI risk treatment"),
            CatalogItem("8.4", "Performing AI system impact assessments"),

            CatalogItem("9", "Evaluating performance"),
            CatalogItem("9.1", "Monitoring, measuring and evaluating results"),
            CatalogItem("9.2", "Internal audits"),
            CatalogItem("9.2.1", "Conducting internal audits"),
            CatalogItem("9.2.2", "Internal audit programme"),
            CatalogItem("9.3", "Review by management"),
            CatalogItem("9.3.1", "Conducting management reviews"),
            CatalogItem("9.3.2", "What management reviews consider"),
            CatalogItem("9.3.3", "Outcomes of management reviews"),

            CatalogItem("10", "Improving the management system"),
            CatalogItem("10.1", "Ongoing improvement"),
            CatalogItem("10.2", "Handling nonconformities and corrective actions"),

            // Annex A: reference control objectives and controls.
            CatalogItem("A.2", "AI-related policies"),
            CatalogItem("A.2.2", "Documented AI policy"),
            CatalogItem("A.2.3", "Consistency with other organizational policies"),
            CatalogItem("A.2.4", "Periodic review of the AI policy"),

            CatalogItem("A.3", "Internal organization for AI"),
            CatalogItem("A.3.2", "Defined AI roles and responsibilities"),
            CatalogItem("A.3.3", "Process for raising concerns"),

            CatalogItem("A.4", "Resources for AI systems"),
            CatalogItem("A.4.2", "Documenting the resources used"),
            CatalogItem("A.4.3", "Data as a resource"),
            CatalogItem("A.4.4", "Tools as a resource"),
            CatalogItem("A.4.5", "Systems and computing capacity"),
            CatalogItem("A.4.6", "People and their competences"),

            CatalogItem("A.5", "Impacts of AI systems"),
            CatalogItem("A.5.2", "Process for assessing AI system impacts"),
            CatalogItem("A.5.3", "Recording impact assessment results"),
            CatalogItem("A.5.4", "Effects on individuals and groups"),
            CatalogItem("A.5.5", "Effects on society"),

            CatalogItem("A.6", "AI system life cycle"),
            CatalogItem("A.6.1", "Management direction for AI development"),
            CatalogItem("A.6.1.2", "Goals for responsible AI development"),
            CatalogItem("A.6.1.3", "Responsible design and development processes"),
            CatalogItem("A.6.2", "Stages of the AI system life cycle"),
            CatalogItem("A.6.2.2", "Specifying AI system requirements"),
            CatalogItem("A.6.2.3", "Recording design and development decisions"),
            CatalogItem("A.6.2.4", "Verifying and validating the AI system"),
            CatalogItem("A.6.2.5", "Putting the AI system into service"),
            CatalogItem("A.6.2.6", "Running and monitoring the AI system"),
            CatalogItem("A.6.2.7", "Technical documentation for the AI system"),
            CatalogItem("A.6.2.8", "Event logging by the AI system"),

            CatalogItem("A.7", "Data for AI systems"),
            CatalogItem("A.7.2", "Data management for development and improvement"),
            CatalogItem("A.7.3", "Obtaining data"),
            CatalogItem("A.7.4", "Data quality requirements"),
            CatalogItem("A.7.5", "Origin and lineage of data"),
            CatalogItem("A.7.6", "Preparing data for use"),

            CatalogItem("A.8", "Information for interested parties"),
            CatalogItem("A.8.2", "Documentation and information for users"),
            CatalogItem("A.8.3", "Channel for external reports of adverse impacts"),
            CatalogItem("A.8.4", "Informing users about incidents"),
            CatalogItem("A.8.5", "Reporting obligations to interested parties"),

            CatalogItem("A.9", "Use of AI systems"),
            CatalogItem("A.9.2", "Processes for responsible use"),
            CatalogItem("A.9.3", "Goals for responsible use"),
            CatalogItem("A.9.4", "Use in line with the intended purpose"),

            CatalogItem("A.10", "Third parties and customers"),
            CatalogItem("A.10.2", "Allocation of responsibilities across the AI life cycle"),
            CatalogItem("A.10.3", "Supplier arrangements"),
            CatalogItem("A.10.4", "Meeting customer needs and expectations"),
        ]
    )
}
