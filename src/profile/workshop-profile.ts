/**
 * The workshop's `digitaltwin.json` (shared/PROFILE.md) after validation: every value has its documented type,
 * harmless variations are already folded in ("5" -> 5, "yes" -> true, one string -> a list), blank values are absent.
 * Unknown fields are not carried: the twin has nothing to say about them.
 */

/** A labelled list the format does not name (e.g. `skills.frontend`), kept so real-world files lose nothing. */
export interface NamedList {
  label: string;
  items: string[];
}

export interface StarStory {
  situation?: string;
  task?: string;
  action?: string;
  result?: string;
  /** A story written as one string instead of the four STAR fields. */
  text?: string;
}

export interface Role {
  company?: string;
  title?: string;
  duration?: string;
  companyContext?: string;
  teamStructure?: string;
  stories: StarStory[];
  skillsUsed: string[];
  leadership: string[];
  budgetManaged?: string;
  teamSizeManaged?: number;
}

export interface ProgrammingLanguage {
  language: string;
  years?: number;
  proficiency?: string;
  frameworks: string[];
}

export interface Skills {
  languages: ProgrammingLanguage[];
  databases: string[];
  cloudPlatforms: string[];
  aiMl: string[];
  softSkills: string[];
  certifications: string[];
  /** Other lists under `skills` or `skills.technical`, e.g. "frontend", "tools". */
  other: NamedList[];
}

export interface Education {
  university?: string;
  degree?: string;
  /** A year, or the text given when it is not one number ("expected 2026"). */
  graduation?: number | string;
  gpa?: string;
  coursework: string[];
  thesis?: string;
  /** Free text when the entry was a plain string. */
  text?: string;
}

export interface Project {
  name?: string;
  description?: string;
  technologies: string[];
  impact?: string;
  githubUrl?: string;
  liveDemo?: string;
}

export interface CareerGoals {
  shortTerm?: string;
  longTerm?: string;
  learningFocus: string[];
  industries: string[];
  /** Free text when `career_goals` was a plain string. */
  text?: string;
}

export interface Weakness {
  weakness?: string;
  mitigation?: string;
}

export interface ProfessionalDevelopment {
  recentLearning: string[];
  conferences: string[];
  publications: string[];
  openSource: string[];
  other: NamedList[];
}

export interface SalaryLocation {
  currentSalary?: string;
  salaryExpectations?: string;
  locationPreferences: string[];
  relocationWilling?: boolean;
  remoteExperience?: string;
  travelAvailability?: string;
  workAuthorization?: string;
}

export interface Contact {
  email?: string;
  linkedin?: string;
  github?: string;
  portfolio?: string;
  website?: string;
}

export interface Personal {
  name: string;
  title?: string;
  location?: string;
  summary?: string;
  elevatorPitch?: string;
  contact: Contact;
}

/** One entry of `content_chunks`, with its position for error messages. */
export interface ContentChunkEntry {
  /** Index in the `content_chunks` array. */
  index: number;
  id: string;
  title?: string;
  type?: string;
  content?: string;
  category?: string;
  tags: string[];
}

export interface WorkshopProfile {
  personal: Personal;
  salaryLocation?: SalaryLocation;
  experience: Role[];
  skills?: Skills;
  education: Education[];
  projects: Project[];
  careerGoals?: CareerGoals;
  weaknesses: Weakness[];
  development?: ProfessionalDevelopment;
  /** Present only when the file has a non-empty `content_chunks` list. */
  contentChunks?: ContentChunkEntry[];
}
