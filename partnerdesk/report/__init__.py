"""The content-gap report: what PartnerDesk could not answer, and how its answers were rated.

``partnerdesk gaps`` (:mod:`partnerdesk.report.cli`) reads the tracker store
(:mod:`partnerdesk.report.reader`), finds the questions that fell back or were answered
with low confidence, masks them, groups near-duplicates and counts them by language
(:mod:`partnerdesk.report.gaps`), and prints a table or writes CSV
(:mod:`partnerdesk.report.render`).
"""
