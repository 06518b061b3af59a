"""HRMS doctypes: applications, interviews, offers and employees feed candidates, pools and touchpoints."""
