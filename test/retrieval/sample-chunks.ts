/**
 * Hand-written chunks of an invented person (Tomás Reyes-Hale), so retrieval tests do not depend on the
 * shipped sample profile.
 */
import { createHash } from 'node:crypto';
import type { Chunk, TwinProfile } from '../../src/core/types.js';

type Row = [id: string, title: string, type: string, category: string, tags: string[], text: string];

const ROWS: Row[] = [
  [
    'chunk_001',
    'Professional summary',
    'summary',
    'personal',
    ['summary', 'platform'],
    "I'm a platform engineer with nine years of experience building reliable backend systems. I care about calm on-call rotations, boring deployments and documentation people actually read. Most of my work sits between product teams and the infrastructure they run on.",
  ],
  [
    'chunk_002',
    'Education',
    'education',
    'education',
    ['university', 'computer science'],
    'I studied computer science at Northgate University and graduated in 2015 with a BSc. My thesis compared consensus protocols for small clusters, and I spent my final year as a teaching assistant for the operating systems course.',
  ],
  [
    'chunk_003',
    'Experience at Brightwell Logistics',
    'experience',
    'experience',
    ['brightwell', 'platform', 'aws'],
    'Since 2019 I have worked as a senior platform engineer at Brightwell Logistics. I run our Kubernetes clusters on AWS, own the deployment pipeline, and cut average deploy time from forty minutes to six by moving builds to cached runners.',
  ],
  [
    'chunk_004',
    'Leading the container migration',
    'experience',
    'leadership',
    ['leadership', 'migration', 'mentoring'],
    'In 2021 I led a team of six engineers that moved forty services from virtual machines to containers in five months. I ran weekly planning, mentored two junior engineers through their first production launches, and we finished without a single customer-facing outage.',
  ],
  [
    'chunk_005',
    'Programming languages',
    'skills',
    'skills',
    ['go', 'python', 'typescript'],
    'I write Go and Python every day, and TypeScript for internal tools and dashboards. I started my career in Java and still read it comfortably. Lately I have been learning Rust for small command-line tools.',
  ],
  [
    'chunk_006',
    'Databases',
    'skills',
    'skills',
    ['postgresql', 'redis'],
    "I've operated Postgres in production for seven years: replication, upgrades, query tuning and backups I have actually restored. I also use Redis for queues and caching, and I know when not to.",
  ],
  [
    'chunk_007',
    'Project: Tidewatch',
    'project',
    'projects',
    ['open source', 'alerting'],
    'Tidewatch is an open-source alerting tool I built to group noisy alerts into incidents. It is written in Go, runs as a single binary, and about thirty teams use it. Building it taught me how much good defaults matter.',
  ],
  [
    'chunk_008',
    'Career goals',
    'goals',
    'goals',
    ['career', 'staff engineer'],
    'Over the next few years I want to grow into a staff engineer role, shaping platform strategy across several teams. Longer term I would like to lead an infrastructure group at a company that cares about sustainable engineering.',
  ],
  [
    'chunk_009',
    'Learning machine learning operations',
    'learning',
    'professional development',
    ['ml', 'learning'],
    'I am currently learning how to serve machine learning models reliably: feature stores, GPU scheduling on clusters, and how to monitor model drift. I completed an online course on MLOps this spring.',
  ],
  [
    'chunk_010',
    'Outside work',
    'personal',
    'hobbies',
    ['sailing', 'bikes'],
    'In my free time I sail small boats on the Tagus and restore old steel bicycles. I also run a monthly meetup for engineers who want to practise public speaking.',
  ],
  [
    'chunk_011',
    'Handling a peak-season outage',
    'experience',
    'challenges',
    ['incident', 'on-call'],
    'During a holiday peak our payment queue stalled and orders piled up. I coordinated the incident, found a misconfigured connection pool, and afterwards wrote the runbook and load tests that kept the next peak quiet.',
  ],
  [
    'chunk_012',
    'Location and remote work',
    'personal',
    'location',
    ['lisbon', 'remote'],
    'I live in Lisbon and have worked remotely for five years across European and US time zones. I am open to occasional travel but not to relocating.',
  ],
];

function hashOf(row: Row): string {
  return createHash('sha256')
    .update(JSON.stringify(row.slice(1)))
    .digest('hex');
}

/** The invented person's chunks, in order. */
export function sampleChunks(): Chunk[] {
  return ROWS.map((row) => {
    const [id, title, type, category, tags, text] = row;
    return { id, title, type, text, metadata: { category, tags, section: ['content_chunks', id] }, hash: hashOf(row) };
  });
}

/** A TwinProfile around `chunks`, its version derived from their ids and hashes. */
export function profileOf(chunks: Chunk[], name = 'Tomás Reyes-Hale'): TwinProfile {
  const version = createHash('sha256')
    .update(chunks.map((c) => `${c.id}:${c.hash}`).join('\n'))
    .digest('hex')
    .slice(0, 12);
  return {
    name,
    version,
    chunks,
    exampleQuestions: ['Where did you study?'],
    overview: { text: `Name: ${name}`, introduction: `I'm ${name}.` },
  };
}

/** A copy of `chunk` with new text and a hash that follows it. */
export function editChunk(chunk: Chunk, text: string): Chunk {
  const hash = createHash('sha256').update(`${chunk.hash}:${text}`).digest('hex');
  return { ...chunk, text, hash };
}
