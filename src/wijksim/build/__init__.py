"""Initialisation (ODD 5): households, their social network, the wijkteams and the partners.

Each module builds one kind of entity at set-up; :mod:`wijksim.build.team` also holds the team
arithmetic the weekly submodels read (hours per wijk, free case slots).
"""
