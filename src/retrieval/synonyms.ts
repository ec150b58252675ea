/**
 * The vocabulary people use about careers, in two strengths:
 * - ALIASES are spellings of one thing ("k8s" is Kubernetes, "uni" is university): they are indexed and queried
 *   as one term, at full weight.
 * - CONCEPTS are related words ("studied" and "degree" both speak of education): a chunk using one is a weaker
 *   match for a question using another. A concept named by a whole phrase in a question ("free time") is
 *   specific, so it counts at full weight; one reached through a single related word counts less.
 * Entries are plain words; they go through the same stemming as the text, so "studied" also covers "studies".
 */

/** Each group's first entry is the canonical spelling. */
export const ALIASES: readonly (readonly string[])[] = [
  ['kubernetes', 'k8s', 'kube'],
  ['javascript', 'js', 'ecmascript'],
  ['typescript', 'ts'],
  ['postgresql', 'postgres', 'psql'],
  ['machine learning', 'ml'],
  ['artificial intelligence', 'ai'],
  ['large language model', 'llm', 'language model'],
  ['retrieval augmented generation', 'rag'],
  ['natural language processing', 'nlp'],
  ['deep learning', 'dl'],
  ['university', 'uni'],
  ['nodejs', 'node'],
  ['golang', 'go lang'],
  ['python', 'py'],
  ['amazon web services', 'aws'],
  ['google cloud platform', 'google cloud', 'gcp'],
  ['microsoft azure', 'azure'],
  ['cicd', 'ci cd', 'continuous integration', 'continuous delivery', 'continuous deployment'],
  ['user experience', 'ux'],
  ['user interface', 'ui'],
  ['frontend', 'front end'],
  ['backend', 'back end'],
  ['fullstack', 'full stack'],
  ['open source', 'oss'],
  ['site reliability engineering', 'site reliability', 'sre'],
  ['devops', 'dev ops'],
  ['infrastructure as code', 'iac'],
  ['microservice', 'micro service', 'micro services'],
  ['phd', 'doctorate', 'doctoral'],
  ['gpa', 'grade point average'],
  ['resume', 'cv', 'curriculum vitae'],
  ['cto', 'chief technology officer'],
  ['ceo', 'chief executive officer'],
  ['vp', 'vice president'],
  ['reactjs', 'react'],
  ['vuejs', 'vue'],
  ['mongodb', 'mongo'],
  ['elasticsearch', 'elastic search'],
  ['objective c', 'objc'],
];

/**
 * Concept name -> related words and phrases, comma-separated (a list per line would run to hundreds of lines).
 */
export const CONCEPTS: Readonly<Record<string, string>> = {
  education:
    'university, college, school, studied, study, degree, graduated, graduation, bachelor, master, msc, ' +
    'bsc, mba, phd, campus, alma mater, education, academic, coursework, thesis, major, diploma, student, ' +
    'gpa, faculty, professor, dissertation',
  leadership:
    'lead, leader, leadership, manage, manager, management, mentor, mentorship, supervise, headed, ' +
    'direct reports, coach, delegate, hire, hiring, onboarding, people management, tech lead, team lead, ' +
    'led a team, ran a team, managed a team, built a team, grew a team, team of engineers',
  employer:
    'employer, company, firm, startup, organisation, organization, where do you work, work for, worked at, ' +
    'working at, work at, current role, current job, current position, current employer',
  work:
    'job, work, role, position, experience, career, employment, employer, employed, company, workplace, ' +
    'professional, day job, current job, work history, previous job',
  goals:
    'goal, aspiration, aspire, ambition, future, plan, next step, long term, short term, five years, ' +
    'ten years, aim, hope, vision, objective, dream, career goals, where do you see',
  skills:
    'skill, expertise, expert, proficient, proficiency, strength, stack, tech stack, technology, tool, ' +
    'tooling, toolkit, competence, technical, good at, specialize, specialty',
  programming:
    'programming, programming language, language, code, coding, developer, software, python, java, ' +
    'javascript, typescript, golang, rust, ruby, kotlin, swift, scala, csharp, cplusplus, php, elixir, ' +
    'haskell, clojure, perl, lua, dart, fsharp, objective c, sql, bash, shell, framework, reactjs, vuejs',
  infrastructure:
    'infrastructure, kubernetes, docker, container, containerization, helm, terraform, ansible, devops, ' +
    'site reliability engineering, cicd, deployment, cloud, amazon web services, google cloud platform, ' +
    'microsoft azure, serverless, observability, monitoring, platform engineering, infrastructure as code, ' +
    'cluster, orchestration',
  data:
    'database, db, sql, postgresql, mysql, mongodb, redis, sqlite, dynamodb, cassandra, elasticsearch, ' +
    'datastore, data warehouse, data pipeline, etl, analytics, spark, kafka, airflow, snowflake, bigquery, ' +
    'data engineering, schema, query',
  ai:
    'artificial intelligence, machine learning, deep learning, large language model, ' +
    'natural language processing, neural network, pytorch, tensorflow, model training, data science, ' +
    'computer vision, generative, embedding, rag, prompt',
  project:
    'project, side project, portfolio, built, build, app, application, product, launch, shipped, ' +
    'prototype, hackathon, created, developed, proud of',
  achievement:
    'achievement, accomplishment, accomplished, proud, impact, result, success, award, recognition, ' +
    'improved, reduced, increased, saved, delivered, promoted, proud of',
  challenge:
    'challenge, difficult, difficulty, hard, problem, obstacle, struggle, setback, failure, fail, mistake, ' +
    'conflict, disagreement, disagree, pressure, crisis, incident, outage, deadline, tough, ' +
    'lesson learned',
  weakness:
    'weakness, weak, improve, improvement, growth area, blind spot, mitigation, working on, ' +
    'area for improvement, development area',
  location:
    'location, live, located, based, city, country, hometown, relocate, relocation, remote, onsite, ' +
    'on site, hybrid, move, commute, time zone, timezone, work authorization, visa, where are you based, ' +
    'where do you live',
  contact: 'contact, email, reach, linkedin, github, website, portfolio, connect, phone, get in touch',
  compensation:
    'salary, compensation, wage, income, remuneration, pay, salary expectations, expected salary, ' +
    'salary range, pay range',
  hobbies:
    'hobby, free time, spare time, outside work, outside of work, weekend, fun, enjoy, passion, interest, ' +
    'leisure, personal life, for fun',
  self:
    'yourself, who are you, about you, introduce, introduction, background, bio, biography, summary, ' +
    'personal, elevator pitch, overview, about me, who you are',
  learning:
    'learn, learning, course, training, certification, certified, certificate, reading, book, upskill, ' +
    'currently learning, self taught, bootcamp',
  speaking:
    'talk, speaker, speaking, presented, presentation, conference, meetup, publication, published, paper, ' +
    'article, blog, keynote, workshop, wrote',
  opensource: 'open source, contributor, contribution, maintainer, pull request, community',
  collaboration:
    'communication, communicate, collaboration, collaborate, team, teamwork, stakeholder, cross functional, ' +
    'soft skill, interpersonal, empathy, feedback, work with others, colleague',
  architecture:
    'architecture, architect, system design, design, scalable, scalability, scale, distributed, ' +
    'performance, reliability, latency, throughput, microservice, event driven',
  quality: 'testing, test, quality, qa, tdd, unit test, integration test, code review, bug',
  security: 'security, secure, authentication, authorization, encryption, vulnerability, compliance',
};
