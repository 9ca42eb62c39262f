// @ts-check

/**
 * The posture store of several replicas (zeroTrust.replicas): the latest posture per entity, the
 * history of each control's status, and which replica watches which cluster. Times are epoch
 * milliseconds, compared the same way in PostgreSQL and SQLite.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('zero_trust_posture', table => {
    table.comment(
      'The latest posture of each entity, as its watching replica computed it',
    );
    table.string('entity_ref').primary().notNullable();
    table
      .text('posture', 'longtext')
      .notNullable()
      .comment('EntityPosture JSON, evidence included');
    table.bigInteger('recorded_at').notNullable();
    table
      .text('clusters')
      .notNullable()
      .comment('The clusters the posture was read from');
    table
      .string('replica')
      .notNullable()
      .comment('The replica that computed it');
  });
  await knex.schema.createTable('zero_trust_history', table => {
    table.comment('The first recorded status of each control and every change');
    table.bigIncrements('id');
    table.string('entity_ref').notNullable();
    table.string('control').notNullable();
    table.string('status').notNullable();
    table.bigInteger('recorded_at').notNullable();
    table.index(
      ['entity_ref', 'control', 'recorded_at'],
      'zero_trust_history_entity_idx',
    );
    table.index(['recorded_at'], 'zero_trust_history_time_idx');
  });
  await knex.schema.createTable('zero_trust_cluster_owners', table => {
    table.comment(
      'The replica watching each cluster, renewed while it watches',
    );
    table.string('cluster').primary().notNullable();
    table.string('replica').notNullable();
    table.bigInteger('renewed_at').notNullable();
    table
      .text('health')
      .nullable()
      .comment('ClusterHealth JSON, as the replica sees it');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('zero_trust_cluster_owners');
  await knex.schema.dropTable('zero_trust_history');
  await knex.schema.dropTable('zero_trust_posture');
};
