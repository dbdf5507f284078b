"""Users, roles, permissions, sites, departments and login."""
