"""The export kinds a practice uploads: canonical fields, which are required, and header aliases.

This is the single definition used by loading (header matching, kind detection), the export
generator (templates), the upload templates offered for download, and the validators. The source of
truth is ``docs/exports.md``; keep this table in step with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FieldType(StrEnum):
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"


@dataclass(frozen=True)
class Field:
    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    type: FieldType = FieldType.TEXT

    @property
    def label(self) -> str:
        """What the field is called in people's exports: its first alias ("Job No."), else its
        name in words ("First name")."""
        return self.aliases[0] if self.aliases else self.name.replace("_", " ").capitalize()

    @property
    def all_names(self) -> tuple[str, ...]:
        """The canonical name as people write it ("first_name" -> "first name") plus aliases."""
        return (self.name, self.name.replace("_", " "), *self.aliases)


@dataclass(frozen=True)
class ExportKind:
    key: str
    label: str
    system: str
    description: str
    fields: tuple[Field, ...]
    example_rows: tuple[tuple[str, ...], ...] = field(default=())

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def get_field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


_EMAIL = ("Email", "Email Address", "EmailAddress", "E-mail")
_FIRST = ("First Name", "FirstName", "Given Name")
_LAST = ("Last Name", "LastName", "Surname", "Family Name")

KINDS: dict[str, ExportKind] = {
    k.key: k
    for k in (
        ExportKind(
            key="xpm_clients",
            label="XPM clients",
            system="XPM",
            description="XPM client list or client report",
            fields=(
                Field("name", True, ("Client", "Client Name", "Name")),
                Field("first_name", aliases=_FIRST),
                Field("last_name", aliases=_LAST),
                Field("business_structure", aliases=("Business Structure", "Entity Type", "Type")),
                Field("client_code", aliases=("Client Code", "Code")),
                Field("email", aliases=_EMAIL),
                Field("phone", aliases=("Phone", "Phone Number", "Mobile")),
                Field("address", aliases=("Address", "Postal Address", "Street", "Address Line 1")),
                Field("city", aliases=("City", "Town", "Suburb")),
                Field("postcode", aliases=("Postcode", "Post Code", "Postal Code", "Zip")),
                Field("region", aliases=("Region", "State", "County")),
                Field("country", aliases=("Country",)),
                Field(
                    "date_of_birth",
                    aliases=("Date of Birth", "DOB", "Birth Date"),
                    type=FieldType.DATE,
                ),
                Field(
                    "tax_number",
                    aliases=("Tax Number", "TFN", "ABN", "IRD Number", "UTR", "Company Number"),
                ),
                Field("account_manager", aliases=("Account Manager",)),
                Field("job_manager", aliases=("Job Manager",)),
                Field("group", aliases=("Group", "Client Group", "Groups")),
                Field("status", aliases=("Status", "Archived", "Active")),
            ),
            example_rows=(
                ("Jane Smith", "Jane", "Smith", "Individual", "SMI001", "jane@example.com"),
                ("Blue Bell Group Ltd", "", "", "Company", "BLU001", "accounts@bluebell.example"),
            ),
        ),
        ExportKind(
            key="xpm_jobs",
            label="XPM jobs",
            system="XPM",
            description="XPM job report",
            fields=(
                Field("job_no", True, ("Job No.", "Job No", "Job Number", "Job ID", "ID")),
                Field("client", True, ("Client", "Client Name")),
                Field("name", aliases=("Job Name", "Name")),
                Field("template", aliases=("Template", "Job Template")),
                Field("category", aliases=("Category", "Job Category")),
                Field("state", True, ("State", "Status", "Job State")),
                Field("manager", aliases=("Manager", "Job Manager")),
                Field("partner", aliases=("Partner", "Job Partner")),
                Field("start_date", aliases=("Start Date", "Start"), type=FieldType.DATE),
                Field("due_date", aliases=("Due Date", "Due"), type=FieldType.DATE),
                Field(
                    "client_order_no",
                    aliases=(
                        "Client Order No.",
                        "Client Order Number",
                        "Order No.",
                        "Order Number",
                    ),
                ),
                Field("budget", aliases=("Budget",), type=FieldType.NUMBER),
            ),
            example_rows=(
                (
                    "J000123",
                    "Jane Smith",
                    "Annual Compliance 2026",
                    "Annual Compliance",
                    "",
                    "In Progress",
                ),
                (
                    "J000124",
                    "Blue Bell Group Ltd",
                    "Bookkeeping 2026",
                    "Bookkeeping",
                    "",
                    "Planned",
                ),
            ),
        ),
        ExportKind(
            key="xpm_staff",
            label="XPM staff",
            system="XPM",
            description="XPM staff list",
            fields=(
                Field("name", True, ("Staff", "Staff Name", "Name")),
                Field("email", aliases=_EMAIL),
                Field("position", aliases=("Position", "Title", "Job Title")),
                Field("role", aliases=("Role", "Access Level")),
            ),
            example_rows=(
                ("Priya Patel", "priya@practice.example", "Partner", "Partner"),
                ("Tom Walker", "tom@practice.example", "Manager", "Manager"),
            ),
        ),
        ExportKind(
            key="xpm_job_templates",
            label="XPM job templates",
            system="XPM",
            description="XPM job templates with their tasks, one row per task",
            fields=(
                Field("template", True, ("Template", "Job Template", "Template Name")),
                Field("task", True, ("Task", "Task Name")),
                Field("task_order", aliases=("Task Order", "Order", "Sort Order")),
                Field("category", aliases=("Category", "Template Category")),
            ),
            example_rows=(
                ("Bookkeeping", "July bookkeeping", "1", "Bookkeeping"),
                ("Bookkeeping", "August bookkeeping", "2", "Bookkeeping"),
            ),
        ),
        ExportKind(
            key="ignition_clients",
            label="Ignition clients",
            system="Ignition",
            description="Ignition Clients export (one row per contact)",
            fields=(
                Field("name", True, ("Client Name", "Client")),
                Field("contact_name", aliases=("Contact Name", "Contact")),
                Field("contact_email", aliases=("Contact Email", "Email")),
                Field("client_id", aliases=("Client ID",)),
                Field("contact_id", aliases=("Contact ID",)),
            ),
            example_rows=(
                ("Jane Smith", "Jane Smith", "jane@example.com", "C-1001", "P-1"),
                ("Blue Bell Group Ltd", "Sam Bell", "sam@bluebell.example", "C-1002", "P-2"),
            ),
        ),
        ExportKind(
            key="ignition_team",
            label="Ignition team",
            system="Ignition",
            description="Ignition team members (fill from Settings → Team)",
            fields=(
                Field("name", True, ("Name", "Team Member", "Member")),
                Field("email", aliases=_EMAIL),
                Field("role", aliases=("Role",)),
                Field("xpm_user", aliases=("XPM User", "Linked XPM User", "Practice Manager User")),
            ),
            example_rows=(
                ("Priya Patel", "priya@practice.example", "Admin", "Priya Patel"),
                ("Tom Walker", "tom@practice.example", "Member", "Tom Walker"),
            ),
        ),
        ExportKind(
            key="ignition_services",
            label="Ignition services",
            system="Ignition",
            description="Ignition service library (fill from Library)",
            fields=(
                Field("service", True, ("Service", "Service Name", "Name")),
                Field("category", aliases=("Category",)),
                Field("billing_type", aliases=("Billing", "Billing Type", "Payment")),
                Field("frequency", aliases=("Frequency", "Recurrence")),
                Field("price", aliases=("Price", "Amount"), type=FieldType.NUMBER),
                Field("xpm_job_template", aliases=("XPM Job Template", "Job Template", "Template")),
            ),
            example_rows=(
                (
                    "Annual accounts",
                    "Compliance",
                    "Recurring",
                    "Annually",
                    "2400",
                    "Annual Compliance",
                ),
                (
                    "Monthly bookkeeping",
                    "Bookkeeping",
                    "Recurring",
                    "Monthly",
                    "300",
                    "Bookkeeping",
                ),
            ),
        ),
        ExportKind(
            key="ignition_proposals",
            label="Ignition proposals",
            system="Ignition",
            description="Accepted Ignition proposals, one row per service line",
            fields=(
                Field(
                    "proposal",
                    True,
                    ("Proposal", "Proposal ID", "Proposal Number", "Reference"),
                ),
                Field("client", True, ("Client", "Client Name")),
                Field("service", True, ("Service", "Service Name")),
                Field("frequency", aliases=("Frequency",)),
                Field("billing_level", aliases=("Billing Level", "Billed At", "Invoice Level")),
                Field("price", aliases=("Price", "Amount"), type=FieldType.NUMBER),
                Field("status", aliases=("Status",)),
                Field("start_date", aliases=("Start Date",), type=FieldType.DATE),
            ),
            example_rows=(
                ("PROP-1001", "Jane Smith", "Annual accounts", "Annually", "Proposal", "2400"),
                (
                    "PROP-1002",
                    "Blue Bell Group Ltd",
                    "Monthly bookkeeping",
                    "Monthly",
                    "Proposal",
                    "300",
                ),
            ),
        ),
        ExportKind(
            key="xero_contacts",
            label="Xero contacts",
            system="Xero",
            description="Xero Contacts export",
            fields=(
                Field("name", True, ("ContactName", "Contact Name", "Name")),
                Field("account_number", aliases=("AccountNumber", "Account Number")),
                Field("email", aliases=_EMAIL),
                Field("first_name", aliases=_FIRST),
                Field("last_name", aliases=_LAST),
                Field("tax_number", aliases=("TaxNumber", "Tax Number")),
                Field("status", aliases=("Status", "ContactStatus")),
            ),
            example_rows=(
                ("Jane Smith", "SMI001", "jane@example.com", "Jane", "Smith"),
                ("Blue Bell Group Ltd", "BLU001", "accounts@bluebell.example", "", ""),
            ),
        ),
        ExportKind(
            key="xero_invoices",
            label="Xero invoices",
            system="Xero",
            description="Xero sales invoices export, one row per line",
            fields=(
                Field("contact", True, ("ContactName", "Contact Name", "Contact")),
                Field("invoice_number", True, ("InvoiceNumber", "Invoice Number", "Invoice No")),
                Field("reference", aliases=("Reference",)),
                Field("invoice_date", aliases=("InvoiceDate", "Invoice Date"), type=FieldType.DATE),
                Field("due_date", aliases=("DueDate", "Due Date"), type=FieldType.DATE),
                Field("description", aliases=("Description",)),
                Field("quantity", aliases=("Quantity",), type=FieldType.NUMBER),
                Field("unit_amount", aliases=("UnitAmount", "Unit Amount"), type=FieldType.NUMBER),
                Field("account_code", aliases=("AccountCode", "Account Code")),
                Field("status", aliases=("Status",)),
            ),
            example_rows=(
                (
                    "Jane Smith",
                    "INV-0001",
                    "PROP-1001",
                    "2026-07-01",
                    "2026-07-15",
                    "Annual accounts",
                ),
                (
                    "Blue Bell Group Ltd",
                    "INV-0002",
                    "PROP-1002",
                    "2026-07-01",
                    "2026-07-15",
                    "Bookkeeping",
                ),
            ),
        ),
    )
}

KIND_CHOICES: tuple[tuple[str, str], ...] = tuple((k.key, k.label) for k in KINDS.values())
