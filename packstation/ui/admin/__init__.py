"""Administration screens: users (create, disable, reset password, badge, two-factor) and enrolment."""
