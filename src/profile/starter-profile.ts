/**
 * The starter digitaltwin.json `twinbot profile init` writes: every section of the workshop's template present,
 * each value saying what to write there. The rating knows these texts, so an unedited section never counts as filled.
 */

/** The starter profile for `name`, as JSON-ready data. */
export function starterProfile(name: string): object {
  return {
    personal: {
      name,
      title: 'Software Engineer',
      location: 'Your city, Your country',
      summary:
        'Replace this with two or three sentences about who you are, what you work on and what you are known for.',
      elevator_pitch: 'Replace this with the one sentence you would say to someone you just met at a conference.',
      contact: { email: '', linkedin: '', github: '', portfolio: '' },
    },
    experience: [
      {
        company: 'Your current company',
        title: 'Your job title',
        duration: 'Jan 2022 - Present',
        company_context: 'What the company does, in one sentence.',
        team_structure: 'The team you work in and its size.',
        achievements_star: [
          {
            situation: 'The problem or situation you faced.',
            task: 'What you had to achieve.',
            action: 'What you did, with the tools you used.',
            result: 'What changed, with a number if you have one.',
          },
        ],
        technical_skills_used: ['TypeScript', 'PostgreSQL'],
        leadership_examples: ['A time you led, mentored or coordinated others.'],
      },
    ],
    skills: {
      technical: {
        programming_languages: [{ language: 'TypeScript', years: 3, proficiency: 'Advanced', frameworks: ['Node.js'] }],
        databases: ['PostgreSQL'],
        cloud_platforms: ['AWS'],
        ai_ml: [],
      },
      soft_skills: ['Clear writing', 'Mentoring'],
      certifications: [],
    },
    education: {
      university: 'Your university',
      degree: 'Your degree',
      graduation_year: 2020,
      relevant_coursework: ['Databases', 'Distributed systems'],
      thesis_project: 'Your thesis or final project, in one sentence.',
    },
    projects_portfolio: [
      {
        name: 'Your project',
        description: 'What it does and why you built it.',
        technologies: ['TypeScript'],
        impact: 'Who uses it, or what it taught you.',
        github_url: '',
        live_demo: '',
      },
    ],
    career_goals: {
      short_term: 'The role or challenge you want next.',
      long_term: 'Where you want to be in five years.',
      learning_focus: ['What you are learning now'],
      industries_interested: ['Industries you would like to work in'],
    },
  };
}
