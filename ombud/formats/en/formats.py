# One way to write a day on an English page: "Dec. 2, 2026", with or without the time.
# (Django's default short forms are "12/02/2026", which reads differently in every country.)
SHORT_DATE_FORMAT = "N j, Y"
SHORT_DATETIME_FORMAT = "N j, Y, P"
