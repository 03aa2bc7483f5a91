import { Arg, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { badUserInput } from '../../errors';
import { Role } from '../auth/apiKey.entity';
import { requireRole } from '../auth/authorize';
import { City } from '../city/city.entity';
import { Commitment } from '../commitment/commitment.entity';
import { slugify, stripAccents } from '../common/text';
import { assertKnownCodes, resolveCities, resolveInstrument } from '../reference/references';
import { parseId } from '../common/validate';
import { Indicator } from '../indicator/indicator.entity';
import { Network } from '../network/network.entity';
import { Source } from '../source/source.entity';
import { gazetteerPlace, placeFields } from './gazetteerPlace';
import { adopted, given, notFound, replaceRights, saving } from './curationWrites';
import { lockVersions, openRelease, supersede } from '../source/releases';
import { query, sql } from '../common/sqlTag';
import { currentCommitment, currentMembership, rightCodesOf, sameCommitment, sameRights } from './currentVersions';
import {
  CommitmentInput,
  CreateCityInput,
  IndicatorInput,
  NetworkInput,
  SourceInput,
  UpdateCityInput,
} from './curation.inputs';
import { isModelYear, MAX_YEAR, MIN_YEAR } from '../common/years';

const VALIDATE = { validate: true } as const;

/**
 * Curator mutations: each needs a key with the editor (or admin) role, validates its input
 * (class-validator on the input types, then references such as country and right codes), and
 * answers BAD_USER_INPUT or NOT_FOUND with the offending value rather than a database error.
 * Observations are not edited here: they arrive by import, as releases.
 */
@Resolver()
export class CurationResolver {
  @Mutation(() => City)
  async createCity(
    @Ctx() context: Context,
    @Arg('input', () => CreateCityInput, VALIDATE) input: CreateCityInput,
    @Arg('gazetteer', () => Boolean, {
      defaultValue: false,
      description:
        "Fill geonamesId, coordinates, region and population from the gazetteer (GeoNames) when it knows one place of the name in the country (and region, when given); none or several: BAD_USER_INPUT naming them. The input's own values win",
    })
    gazetteer: boolean,
  ): Promise<City> {
    requireRole(context.auth, Role.EDITOR);
    const countryCode = input.countryCode.toUpperCase();
    await assertKnownCodes(context, 'input.countryCode', 'country', [countryCode]);
    const place = gazetteer ? await gazetteerPlace({ ...input, countryCode }) : null;
    const repository = context.dataSource.getRepository(City);
    const slug = input.slug ?? slugify(`${input.name} ${countryCode}`);
    return saving(`city ${slug}`, () =>
      repository.save(
        repository.create({
          ...(place && placeFields(place)),
          ...given(input),
          countryCode,
          slug,
          asciiName: input.asciiName ?? stripAccents(input.name),
          alternateNames: input.alternateNames ?? [],
        }),
      ),
    );
  }

  @Mutation(() => City)
  async updateCity(
    @Ctx() context: Context,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateCityInput, VALIDATE) input: UpdateCityInput,
  ): Promise<City> {
    requireRole(context.auth, Role.EDITOR);
    const repository = context.dataSource.getRepository(City);
    const city = await repository.findOneBy({ id: parseId('id', id) as number });
    if (!city) throw notFound('city', id);
    if (input.name === null) throw badUserInput('name cannot be cleared', { argument: 'input.name' });
    Object.assign(city, given(input));
    return repository.save(city);
  }

  @Mutation(() => Indicator)
  async createIndicator(
    @Ctx() context: Context,
    @Arg('input', () => IndicatorInput, VALIDATE) input: IndicatorInput,
  ): Promise<Indicator> {
    return this.saveIndicator(context, null, input);
  }

  @Mutation(() => Indicator, { description: 'Replaces the definition of the indicator with this code' })
  async updateIndicator(
    @Ctx() context: Context,
    @Arg('code', () => String) code: string,
    @Arg('input', () => IndicatorInput, VALIDATE) input: IndicatorInput,
  ): Promise<Indicator> {
    return this.saveIndicator(context, code, input);
  }

  private async saveIndicator(context: Context, code: string | null, input: IndicatorInput): Promise<Indicator> {
    requireRole(context.auth, Role.EDITOR);
    await assertKnownCodes(context, 'input.rightCodes', 'right', input.rightCodes);
    return context.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(Indicator);
      let indicator = repository.create();
      if (code !== null) {
        const existing = await repository.findOneBy({ code });
        if (!existing) throw notFound('indicator', code);
        indicator = existing;
      }
      const { rightCodes, ...fields } = input;
      Object.assign(indicator, fields);
      const saved = await saving(`indicator ${input.code}`, () => repository.save(indicator));
      if (rightCodes) await replaceRights(manager, 'indicator_right', 'indicator_id', saved.id, rightCodes);
      return saved;
    });
  }

  @Mutation(() => Source)
  async createSource(
    @Ctx() context: Context,
    @Arg('input', () => SourceInput, VALIDATE) input: SourceInput,
  ): Promise<Source> {
    requireRole(context.auth, Role.EDITOR);
    const repository = context.dataSource.getRepository(Source);
    return saving(`source "${input.title}"`, () => repository.save(repository.create({ ...input, synthetic: false })));
  }

  @Mutation(() => Source, { description: 'Replaces the source with this id' })
  async updateSource(
    @Ctx() context: Context,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => SourceInput, VALIDATE) input: SourceInput,
  ): Promise<Source> {
    requireRole(context.auth, Role.EDITOR);
    const repository = context.dataSource.getRepository(Source);
    const source = await repository.findOneBy({ id: parseId('id', id) as number });
    if (!source) throw notFound('source', id);
    Object.assign(source, input);
    return saving(`source "${input.title}"`, () => repository.save(source));
  }

  @Mutation(() => Network)
  async createNetwork(
    @Ctx() context: Context,
    @Arg('input', () => NetworkInput, VALIDATE) input: NetworkInput,
  ): Promise<Network> {
    requireRole(context.auth, Role.EDITOR);
    const repository = context.dataSource.getRepository(Network);
    return saving(`network ${input.code}`, () => repository.save(repository.create(input)));
  }

  @Mutation(() => Network, { description: 'Replaces the network with this code' })
  async updateNetwork(
    @Ctx() context: Context,
    @Arg('code', () => String) code: string,
    @Arg('input', () => NetworkInput, VALIDATE) input: NetworkInput,
  ): Promise<Network> {
    requireRole(context.auth, Role.EDITOR);
    const repository = context.dataSource.getRepository(Network);
    const network = await repository.findOneBy({ code });
    if (!network) throw notFound('network', code);
    Object.assign(network, input);
    return saving(`network ${input.code}`, () => repository.save(network));
  }

  @Mutation(() => Network, { description: 'Adds a city to a network, or updates the year it joined' })
  async addNetworkMember(
    @Ctx() context: Context,
    @Arg('network', () => String) code: string,
    @Arg('cityId', () => ID) cityId: string,
    @Arg('joinedYear', () => Int, { nullable: true }) joinedYear?: number | null,
  ): Promise<Network> {
    requireRole(context.auth, Role.EDITOR);
    const network = await context.dataSource.getRepository(Network).findOneBy({ code });
    if (!network) throw notFound('network', code);
    const city = await context.loaders.cityById.load(parseId('cityId', cityId) as number);
    if (!city) throw notFound('city', cityId);
    if (joinedYear !== null && joinedYear !== undefined && !isModelYear(joinedYear)) {
      throw badUserInput(`joinedYear must be between ${MIN_YEAR} and ${MAX_YEAR}`, {
        argument: 'joinedYear',
        value: joinedYear,
      });
    }
    const year = joinedYear ?? null;
    await context.dataSource.transaction(async (manager) => {
      await lockVersions(manager, 'network_membership');
      const current = await currentMembership(manager, network.id, city.id);
      if (current && current.joined_year === year) return; // nothing changes, no release
      const releaseId = await openRelease(
        manager,
        `Curation: ${city.name} ${current ? 'joined year changed in' : 'added to'} network ${network.code}`,
      );
      if (current) await supersede(manager, 'network_membership', current.id, releaseId);
      await query(
        manager,
        sql`INSERT INTO network_membership (network_id, city_id, joined_year, release_id)
            VALUES (${network.id}, ${city.id}, ${year}, ${releaseId})`,
      );
    });
    return network;
  }

  @Mutation(() => Boolean, { description: 'True when the city was a member' })
  async removeNetworkMember(
    @Ctx() context: Context,
    @Arg('network', () => String) code: string,
    @Arg('cityId', () => ID) cityId: string,
  ): Promise<boolean> {
    requireRole(context.auth, Role.EDITOR);
    const network = await context.dataSource.getRepository(Network).findOneBy({ code });
    if (!network) throw notFound('network', code);
    const cityKey = parseId('cityId', cityId) as number;
    return context.dataSource.transaction(async (manager) => {
      await lockVersions(manager, 'network_membership');
      const current = await currentMembership(manager, network.id, cityKey);
      if (!current) return false;
      const releaseId = await openRelease(manager, `Curation: city ${cityKey} removed from network ${network.code}`);
      await supersede(manager, 'network_membership', current.id, releaseId);
      return true;
    });
  }

  @Mutation(() => Commitment)
  async createCommitment(
    @Ctx() context: Context,
    @Arg('input', () => CommitmentInput, VALIDATE) input: CommitmentInput,
  ): Promise<Commitment> {
    return this.saveCommitment(context, null, input);
  }

  @Mutation(() => Commitment, {
    description:
      'Records a new version of the commitment with this id (e.g. a status change) in a new release; answers as of ' +
      'earlier releases keep the version they saw',
  })
  async updateCommitment(
    @Ctx() context: Context,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => CommitmentInput, VALIDATE) input: CommitmentInput,
  ): Promise<Commitment> {
    return this.saveCommitment(context, parseId('id', id) as number, input);
  }

  private async saveCommitment(
    context: Context,
    lineageId: number | null,
    input: CommitmentInput,
  ): Promise<Commitment> {
    requireRole(context.auth, Role.EDITOR);
    await assertKnownCodes(context, 'input.rightCodes', 'right', input.rightCodes);
    const [{ id: cityId }] = await resolveCities(context, [input.cityId], 'input.cityId');
    const instrumentId = input.instrumentCode
      ? (await resolveInstrument(context, input.instrumentCode, 'input.instrumentCode')).id
      : null;
    const sourceId = parseId('input.sourceId', input.sourceId) ?? null;
    if (sourceId !== null && !(await context.loaders.sourceById.load(sourceId))) {
      throw badUserInput(`Unknown source ${input.sourceId}`, { argument: 'input.sourceId' });
    }
    const fields = {
      cityId,
      instrumentId,
      kind: input.kind,
      title: input.title,
      ...adopted(input.adoptedOn),
      status: input.status,
      adoptingBody: input.adoptingBody ?? null,
      documentRef: input.documentRef ?? null,
      sourceId,
      notes: input.notes ?? null,
    };
    return context.dataSource.transaction(async (manager) => {
      await lockVersions(manager, 'commitment');
      const repository = manager.getRepository(Commitment);
      const current = lineageId === null ? null : await currentCommitment(manager, lineageId);
      if (lineageId !== null && !current) throw notFound('commitment', String(lineageId));
      const rightCodes = input.rightCodes ?? (current ? await rightCodesOf(manager, current.id) : []);
      if (current && sameCommitment(current, fields) && (await sameRights(manager, current.id, rightCodes))) {
        return current; // nothing changes, no release
      }
      const releaseId = await openRelease(
        manager,
        `Curation: commitment ${current ? `${current.lineageId} changed` : 'added'} (${fields.title.slice(0, 200)})`,
        sourceId,
      );
      if (current) await supersede(manager, 'commitment', current.id, releaseId);
      const saved = await repository.save(
        repository.create({ ...fields, releaseId, ...(current ? { lineageId: current.lineageId } : {}) }),
      );
      await replaceRights(manager, 'commitment_right', 'commitment_id', saved.id, rightCodes);
      // The trigger filled the lineage of a new commitment: read the row back as stored.
      return (await repository.findOneBy({ id: saved.id })) as Commitment;
    });
  }

  // A retraction: the current version is stamped as superseded and no new one follows.
  @Mutation(() => ID, {
    description:
      'Retracts the commitment with this id in a new release and returns its id: answers as of earlier releases keep it.',
  })
  async deleteCommitment(@Ctx() context: Context, @Arg('id', () => ID) id: string): Promise<string> {
    requireRole(context.auth, Role.EDITOR);
    const lineageId = parseId('id', id) as number;
    return context.dataSource.transaction(async (manager) => {
      await lockVersions(manager, 'commitment');
      const current = await currentCommitment(manager, lineageId);
      if (!current) throw notFound('commitment', String(lineageId));
      const releaseId = await openRelease(manager, `Curation: commitment ${lineageId} retracted`);
      await supersede(manager, 'commitment', current.id, releaseId);
      return String(lineageId);
    });
  }
}
