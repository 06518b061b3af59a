"""The career site and the candidate portal: pages and branding (`careers`), applications
(`applications`), the talent community (`community`), the preference centre (`preferences`),
anonymous visits (`visits`), signed links (`tokens`), and the guards of the app's routes: the
client's address (`request_context`), work after the response (`deferred`), internals kept out
of answers (`web_guards`)."""
